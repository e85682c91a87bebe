package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitcrew.approvals.ManualClock;
import dev.pitcrew.bot.config.Config;
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
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slack misbehaving the way it does, through real HTTP: a fake Web API that answers 429 with
 * Retry-After, 500, or drops the connection before or after carrying a call out; signed requests to
 * the running app; Fabric8's CRUD mock (dry run honoured, no RBAC) holding the durable store. The
 * fake enforces no real rate limits and keeps every message in memory.
 */
@EnableDryRunMockClient
class SlackFaultsEndToEndTest {
  private static final String SECRET = "test-signing-secret";
  private static final String CHANNEL = "COPS";
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Predicate<FakeSlack.Call> CARD =
      c -> c.param("blocks").contains("approval_approve");

  static KubernetesClient client;

  private final ManualClock clock = new ManualClock(Instant.now());
  private FakeSlack slack;
  private Pitcrew pitcrew;
  private SignedSlack signed;
  private Map<String, String> env;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    client.apps().deployments().inAnyNamespace().delete();
    client.configMaps().inNamespace("pitcrew").delete();
    client.resource(Deployments.ready("shop", "checkout", 3)).create();
    slack = new FakeSlack();
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "ask:\n  groups: [SONCALL]\napprovals:\n  approvers: [ULEAD]\n");
    slack.group("SONCALL", "UREQ", "ULEAD");
    env = new HashMap<>();
    env.put("SLACK_BOT_TOKEN", "xoxb-test-token");
    env.put("SLACK_SIGNING_SECRET", SECRET);
    env.put("SLACK_API_URL", slack.apiUrl());
    env.put("PITCREW_AUDIT_CHANNEL", "CAUDIT");
    env.put("PITCREW_CONFIG", policy.toString());
    env.put("PITCREW_NAMESPACE", "pitcrew");
    env.put("PORT", "0");
    pitcrew =
        Pitcrew.builder(Config.fromEnv(env), client)
            .clock(clock)
            .rolloutPoll(Duration.ofMillis(50))
            .sweepEvery(Duration.ofMillis(100))
            .bindAddress("127.0.0.1")
            .start();
    signed = new SignedSlack(pitcrew.port(), SECRET, clock);
  }

  @AfterEach
  void stop() {
    pitcrew.close();
    slack.close();
  }

  @Test
  void aCardRateLimitedWithRetryAfterArrivesOnceAfterTheWait() throws Exception {
    slack.fail("chat.postMessage", CARD, Fault.RATE_LIMITED);

    String id = ask("run scale_deployment namespace=shop name=checkout replicas=5");

    FakeSlack.Call card = awaitCard(id);
    assertThat(slack.cards()).hasSize(1);
    assertThat(slack.attempts("chat.postMessage"))
        .isGreaterThan(slack.calls("chat.postMessage").size());
    approveAndAwaitFive(card);
  }

  @Test
  void aRateLimitedResultPostIsNotLost() throws Exception {
    slack.fail("chat.postMessage", c -> c.param("text").startsWith("Done:"), Fault.RATE_LIMITED);

    String id = ask("run scale_deployment namespace=shop name=checkout replicas=5");
    approveAndAwaitFive(awaitCard(id));

    await()
        .atMost(PATIENCE)
        .until(
            () ->
                slack.thread(CHANNEL, id).stream()
                        .filter(c -> c.param("text").startsWith("Done:"))
                        .count()
                    == 1);
  }

  @Test
  void aRateLimitedFinalCardUpdateStillShowsTheOutcome() throws Exception {
    slack.fail("chat.update", c -> c.param("blocks").contains("Done"), Fault.RATE_LIMITED);

    String id = ask("run scale_deployment namespace=shop name=checkout replicas=5");
    approveAndAwaitFive(awaitCard(id));

    await()
        .atMost(PATIENCE)
        .until(
            () -> {
              List<FakeSlack.Call> updates = slack.calls("chat.update");
              return !updates.isEmpty()
                  && updates.get(updates.size() - 1).param("blocks").contains("Done");
            });
  }

  @Test
  void aServerErrorOnceOnTheCardPostLeavesAVisibleCardNotAnInvisibleRequest() throws Exception {
    slack.fail("chat.postMessage", CARD, Fault.SERVER_ERROR);

    String id = ask("run scale_deployment namespace=shop name=checkout replicas=5");

    FakeSlack.Call card = awaitCard(id);
    assertThat(slack.cards()).hasSize(1);
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
    slack.fail("chat.postMessage", CARD, Fault.RESET_AFTER);

    String id = ask("run scale_deployment namespace=shop name=checkout replicas=5");

    FakeSlack.Call card = awaitCard(id);
    String approval = FakeSlack.button(card, "approval_approve");
    // The lost answer was followed by a look in the thread, which found the card by its key.
    await()
        .atMost(PATIENCE)
        .until(() -> stored(approval).contains("\"card\":\"" + card.ts() + "\""));
    assertThat(slack.calls("conversations.replies")).isNotEmpty();
    assertThat(slack.cards()).hasSize(1);
    approveAndAwaitFive(card);
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                slack.calls("chat.update").stream()
                    .anyMatch(
                        u ->
                            u.param("ts").equals(card.ts()) && u.param("blocks").contains("Done")));
  }

  @Test
  void aCardThatCannotBeShownCancelsItsRequestAndSaysSo() throws Exception {
    slack.fail(
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
                slack.thread(CHANNEL, id).stream()
                    .anyMatch(c -> c.param("text").contains("the request is cancelled")));
    await().atMost(PATIENCE).until(() -> !slack.auditLines("CAUDIT", id, "*cancelled*").isEmpty());
    assertThat(slack.cards()).isEmpty();
    assertThat(
            client.configMaps().inNamespace("pitcrew").list().getItems().stream()
                .map(cm -> cm.getMetadata().getLabels().get("pitcrew.dev/approval-state")))
        .containsExactly("CANCELLED");
  }

  @Test
  void theAcknowledgementDoesNotWaitForGroupMembership() throws Exception {
    try (AutoCloseable held = slack.hold()) { // usergroups.users.list, like every call, is held
      HttpResponse<String> ack =
          signed.slashCommand(
              "UREQ", CHANNEL, "run deployment_status namespace=shop name=checkout");
      assertThat(ack.statusCode()).isEqualTo(200);
      assertThat(ack.body()).contains("Working on it");
      assertThat(slack.calls("usergroups.users.list")).isEmpty();
    }
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                slack.calls("chat.postMessage").stream()
                    .anyMatch(c -> c.all().contains("deployment shop/checkout: 3 desired")));
  }

  @Test
  void aRefusalAfterTheGroupLookupIsPostedAfterTheAcknowledgement() throws Exception {
    HttpResponse<String> ack =
        signed.slashCommand(
            "UOUTSIDER", CHANNEL, "run deployment_status namespace=shop name=checkout");

    assertThat(ack.body()).contains("Working on it");
    await()
        .atMost(PATIENCE)
        .until(
            () -> slack.ephemeralTo("UOUTSIDER").contains("not on the list of people who may ask"));
    String id = SignedSlack.correlationIdIn(ack.body());
    await()
        .atMost(PATIENCE)
        .until(() -> !slack.auditLines("CAUDIT", id, "*ask refused*").isEmpty());
    assertThat(
            slack.calls("chat.postMessage").stream()
                .filter(c -> c.param("channel").equals(CHANNEL)))
        .isEmpty();
  }

  private void approveAndAwaitFive(FakeSlack.Call card) throws Exception {
    signed.click(
        "ULEAD",
        CHANNEL,
        "approval_approve",
        FakeSlack.button(card, "approval_approve"),
        card.ts());
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                client
                        .apps()
                        .deployments()
                        .inNamespace("shop")
                        .withName("checkout")
                        .get()
                        .getSpec()
                        .getReplicas()
                    == 5);
  }

  private String stored(String approvalId) {
    var cm = client.configMaps().inNamespace("pitcrew").withName(approvalId).get();
    return cm == null ? "" : cm.getData().get("request.json");
  }

  private String ask(String text) throws Exception {
    HttpResponse<String> ack = signed.slashCommand("UREQ", CHANNEL, text);
    assertThat(ack.statusCode()).isEqualTo(200);
    return SignedSlack.correlationIdIn(ack.body());
  }

  private FakeSlack.Call awaitCard(String correlationId) {
    await()
        .atMost(PATIENCE)
        .until(() -> slack.cards().stream().anyMatch(c -> c.all().contains(correlationId)));
    return slack.cards().get(0);
  }
}
