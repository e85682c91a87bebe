package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitcrew.bot.testing.FakeSlack;
import dev.pitcrew.bot.testing.FakeSlack.Fault;
import dev.pitcrew.bot.testing.SignedSlack;
import dev.pitcrew.remediations.Deployments;
import dev.pitcrew.remediations.EnableDryRunMockClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slack misbehaving the way it does, through real HTTP: a fake Web API that answers 429 with
 * Retry-After, 500, or drops the connection before or after carrying a call out; signed requests to
 * the running app; Fabric8's CRUD mock (dry run honoured, no RBAC) holding the durable store. The
 * fake enforces no real rate limits and keeps every message in memory.
 */
@EnableDryRunMockClient
class SlackFaultsEndToEndTest {
  private static final String CHANNEL = "COPS";
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Predicate<FakeSlack.Call> CARD =
      c -> c.param("blocks").contains("approval_approve");

  static KubernetesClient client;

  @RegisterExtension final RunningPitcrew app = new RunningPitcrew();

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    client.apps().deployments().inAnyNamespace().delete();
    client.configMaps().inNamespace("pitcrew").delete();
    client.resource(Deployments.ready("shop", "checkout", 3)).create();
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "ask:\n  groups: [SONCALL]\napprovals:\n  approvers: [ULEAD]\n");
    app.slack.group("SONCALL", "UREQ", "ULEAD");
    app.withoutModel(); // explicit commands only
    app.env().put("PITCREW_CONFIG", policy.toString());
    app.env().put("PITCREW_NAMESPACE", "pitcrew");
    app.start(client, b -> b.sweepEvery(Duration.ofMillis(100)));
  }

  @Test
  void aCardRateLimitedWithRetryAfterArrivesOnceAfterTheWait() throws Exception {
    app.slack.fail("chat.postMessage", CARD, Fault.RATE_LIMITED);

    String id = ask("run scale_deployment namespace=shop name=checkout replicas=5");

    FakeSlack.Call card = app.awaitCard(id);
    assertThat(app.slack.cards()).hasSize(1);
    assertThat(app.slack.attempts("chat.postMessage"))
        .isGreaterThan(app.slack.calls("chat.postMessage").size());
    approveAndAwaitFive(card);
  }

  @Test
  void aRateLimitedResultPostIsNotLost() throws Exception {
    app.slack.fail(
        "chat.postMessage", c -> c.param("text").startsWith("Done:"), Fault.RATE_LIMITED);

    String id = ask("run scale_deployment namespace=shop name=checkout replicas=5");
    approveAndAwaitFive(app.awaitCard(id));

    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack.thread(CHANNEL, id).stream()
                        .filter(c -> c.param("text").startsWith("Done:"))
                        .count()
                    == 1);
  }

  @Test
  void aRateLimitedFinalCardUpdateStillShowsTheOutcome() throws Exception {
    app.slack.fail("chat.update", c -> c.param("blocks").contains("Done"), Fault.RATE_LIMITED);

    String id = ask("run scale_deployment namespace=shop name=checkout replicas=5");
    approveAndAwaitFive(app.awaitCard(id));

    await()
        .atMost(PATIENCE)
        .until(
            () -> {
              List<FakeSlack.Call> updates = app.slack.calls("chat.update");
              return !updates.isEmpty()
                  && updates.get(updates.size() - 1).param("blocks").contains("Done");
            });
  }

  @Test
  void aServerErrorOnceOnTheCardPostLeavesAVisibleCardNotAnInvisibleRequest() throws Exception {
    app.slack.fail("chat.postMessage", CARD, Fault.SERVER_ERROR);

    String id = ask("run scale_deployment namespace=shop name=checkout replicas=5");

    FakeSlack.Call card = app.awaitCard(id);
    assertThat(app.slack.cards()).hasSize(1);
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                stored(FakeSlack.button(card, "approval_approve"))
                    .contains("\"card\":\"" + card.ts() + "\""));
    approveAndAwaitFive(card);
  }

  @Test
  void aCardSlackStoredButWhoseAnswerWasLostIsNotPostedTwice() throws Exception {
    app.slack.fail("chat.postMessage", CARD, Fault.RESET_AFTER);

    String id = ask("run scale_deployment namespace=shop name=checkout replicas=5");

    FakeSlack.Call card = app.awaitCard(id);
    String approval = FakeSlack.button(card, "approval_approve");
    // The lost answer was followed by a look in the thread, which found the card by its key.
    await()
        .atMost(PATIENCE)
        .until(() -> stored(approval).contains("\"card\":\"" + card.ts() + "\""));
    assertThat(app.slack.calls("conversations.replies")).isNotEmpty();
    assertThat(app.slack.cards()).hasSize(1);
    approveAndAwaitFive(card);
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack.calls("chat.update").stream()
                    .anyMatch(
                        u ->
                            u.param("ts").equals(card.ts()) && u.param("blocks").contains("Done")));
  }

  @Test
  void aCardThatCannotBeShownCancelsItsRequestAndSaysSo() throws Exception {
    app.slack.fail(
        "chat.postMessage",
        CARD,
        Fault.SERVER_ERROR,
        Fault.SERVER_ERROR,
        Fault.SERVER_ERROR,
        Fault.SERVER_ERROR,
        Fault.SERVER_ERROR);

    String id = ask("run scale_deployment namespace=shop name=checkout replicas=5");

    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack.thread(CHANNEL, id).stream()
                    .anyMatch(c -> c.param("text").contains("the request is cancelled")));
    await()
        .atMost(PATIENCE)
        .until(() -> !app.slack.auditLines("CAUDIT", id, "*cancelled*").isEmpty());
    assertThat(app.slack.cards()).isEmpty();
    assertThat(
            client.configMaps().inNamespace("pitcrew").list().getItems().stream()
                .map(cm -> cm.getMetadata().getLabels().get("pitcrew.dev/approval-state")))
        .containsExactly("CANCELLED");
  }

  @Test
  void theAcknowledgementDoesNotWaitForGroupMembership() throws Exception {
    try (AutoCloseable held = app.slack.hold()) { // usergroups.users.list, like every call, is held
      HttpResponse<String> ack =
          app.signed.slashCommand(
              "UREQ", CHANNEL, "run deployment_status namespace=shop name=checkout");
      assertThat(ack.statusCode()).isEqualTo(200);
      assertThat(ack.body()).contains("Working on it");
      assertThat(app.slack.calls("usergroups.users.list")).isEmpty();
    }
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack.calls("chat.postMessage").stream()
                    .anyMatch(c -> c.all().contains("deployment shop/checkout: 3 desired")));
  }

  @Test
  void aRefusalAfterTheGroupLookupIsPostedAfterTheAcknowledgement() throws Exception {
    HttpResponse<String> ack =
        app.signed.slashCommand(
            "UOUTSIDER", CHANNEL, "run deployment_status namespace=shop name=checkout");

    assertThat(ack.body()).contains("Working on it");
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack
                    .ephemeralTo("UOUTSIDER")
                    .contains("not on the list of people who may ask"));
    String id = SignedSlack.correlationIdIn(ack.body());
    await()
        .atMost(PATIENCE)
        .until(() -> !app.slack.auditLines("CAUDIT", id, "*ask refused*").isEmpty());
    assertThat(
            app.slack.calls("chat.postMessage").stream()
                .filter(c -> c.param("channel").equals(CHANNEL)))
        .isEmpty();
  }

  private void approveAndAwaitFive(FakeSlack.Call card) throws Exception {
    app.approve("ULEAD", CHANNEL, card);
    app.awaitReplicas("shop", "checkout", 5);
  }

  private String stored(String approvalId) {
    var cm = client.configMaps().inNamespace("pitcrew").withName(approvalId).get();
    return cm == null ? "" : cm.getData().get("request.json");
  }

  private String ask(String text) throws Exception {
    return app.ask("UREQ", CHANNEL, text);
  }
}
