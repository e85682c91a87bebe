package dev.pitcrew.bot.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitcrew.approvals.ApprovalPolicy;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalRule;
import dev.pitcrew.approvals.ApprovalState;
import dev.pitcrew.approvals.ApprovalStore;
import dev.pitcrew.approvals.Approvals;
import dev.pitcrew.approvals.Decision;
import dev.pitcrew.approvals.Executing;
import dev.pitcrew.approvals.Execution;
import dev.pitcrew.approvals.Json;
import dev.pitcrew.approvals.ManualClock;
import dev.pitcrew.approvals.Proposal;
import dev.pitcrew.approvals.Reversal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One card model, one wording: what every surface shows for a request in each state. */
class CardsTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final Approvals approvals =
      new Approvals(
          ApprovalStore.inMemory(() -> 0L, Duration.ofDays(1)),
          ApprovalPolicy.of(Set.of("ULEAD", "UREQ")),
          clock);

  private ApprovalRequest open() {
    return approvals.open(
        new Proposal(
            "scale_deployment",
            "shop",
            Json.object("{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}"),
            "Scale deployment shop/checkout from 3 to 5 replicas",
            Json.change("spec.replicas", 3, 5),
            "UREQ",
            "pc-000000000001",
            "C1",
            "1.1",
            null));
  }

  private Card card(ApprovalRequest request) {
    ApprovalRule rule = approvals.policy().ruleFor(request);
    return Cards.of(request, rule);
  }

  @Test
  void aPendingCardOffersApproveAndDenyAndNamesWhoMayApprove() {
    Card card = card(open());

    assertThat(card.title()).isEqualTo("Approval needed: scale_deployment");
    assertThat(card.actions()).containsExactly(Card.Action.APPROVE, Card.Action.DENY);
    assertThat(card.status()).isEmpty();
    assertThat(card.changes()).containsExactly("spec.replicas: 3 -> 5");
    Card.Field who = card.fields().get(2);
    assertThat(who.label()).isEqualTo("Who may approve");
    assertThat(Card.plain(who.value())).isEqualTo("ULEAD, UREQ (not for own request)");
  }

  @Test
  void aCardNamesEveryRuleAnApproverMustSatisfy() {
    ApprovalRequest request = open();
    ApprovalRule rule =
        new ApprovalRule(
            Set.of("USRE1"),
            Set.of(),
            1,
            false,
            Duration.ofMinutes(5),
            List.of(new ApprovalRule.Eligible(Set.of(), Set.of("SSRE"))));

    Card.Field who = Cards.of(request, rule).fields().get(2);

    assertThat(Card.plain(who.value())).isEqualTo("USRE1\nwho must also be one of: group SSRE");
  }

  @Test
  void scalingToZeroCarriesAWarningAndOtherScalesDoNot() {
    assertThat(card(open()).warnings()).isEmpty();

    ApprovalRequest toZero =
        approvals.open(
            new Proposal(
                "scale_deployment",
                "shop",
                Json.object("{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":0}"),
                "Scale deployment shop/checkout from 3 to 0 replicas",
                Json.change("spec.replicas", 3, 0),
                "UREQ",
                "pc-000000000002",
                "C1",
                "1.1",
                null));

    assertThat(card(toZero).warnings())
        .containsExactly(
            "Scaling to 0 takes the workload down: nothing serves until it is scaled up again.");
  }

  @Test
  void aChangeThatRanOffersUndoAndSaysWhoApprovedIt() {
    ApprovalRequest request = open();
    var approved = (Decision.Approved) approvals.approve(request.id(), "ULEAD");
    ApprovalRequest done =
        Executing.run(
                approvals,
                approved.request(),
                r ->
                    new Execution(
                        true,
                        "Scaled",
                        new Reversal("deployment.scale", Json.object("{\"replicas\":3}"))))
            .orElseThrow();

    Card card = card(done);

    assertThat(card.state()).isEqualTo(ApprovalState.SUCCEEDED);
    assertThat(card.title()).isEqualTo("Done: scale_deployment");
    assertThat(card.actions()).containsExactly(Card.Action.UNDO);
    assertThat(card.status()).contains(new Card.User("ULEAD"));
    assertThat(Card.plain(card.status())).isEqualTo("Approved by ULEAD. Scaled");
  }

  @Test
  void aCancelledCardOffersNothingAndSaysWhy() {
    ApprovalRequest request = open();
    ApprovalRequest cancelled =
        approvals.cancel(request.id(), "the approval card could not be posted").orElseThrow();

    Card card = card(cancelled);

    assertThat(card.actions()).isEmpty();
    assertThat(card.title()).isEqualTo("Cancelled: scale_deployment");
    assertThat(Card.plain(card.status()))
        .isEqualTo("Cancelled: the approval card could not be posted. Nothing was changed.");
  }
}
