package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitcrew.bot.testing.FakeSlack;
import dev.pitcrew.bot.testing.SignedSlack;
import dev.pitcrew.remediations.Cluster;
import dev.pitcrew.remediations.Deployments;
import dev.pitcrew.remediations.EnableDryRunMockClient;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The walking skeleton end to end, over real HTTP: signed Slack requests to the running app, a fake
 * Slack Web API that records calls, a scripted OpenAI-compatible server driven by the real OpenAI
 * SDK, and Fabric8's mock API server in CRUD mode. The mock honours dry run
 * (EnableDryRunMockClient) but ignores RBAC and runs no controllers (status is what the test
 * seeds); the fake Slack does not validate Block Kit.
 */
@EnableDryRunMockClient
class SlackEndToEndTest {
  private static final String SECRET = RunningPitcrew.SECRET;
  private static final String REQUESTER = "UREQUESTER";
  private static final String APPROVER_1 = "UAPPROVER1";
  private static final String APPROVER_2 = "UAPPROVER2";
  private static final String CHANNEL = "COPS";
  private static final String AUDIT = RunningPitcrew.AUDIT;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  static KubernetesClient client;

  @RegisterExtension final RunningPitcrew app = new RunningPitcrew();
  private final ListAppender<ILoggingEvent> auditLog = new ListAppender<>();

  @BeforeEach
  void start() throws Exception {
    client.apps().deployments().inNamespace("shop").delete();
    client.resource(Deployments.ready("shop", "checkout", 3)).create();
    auditLog.start();
    ((Logger) LoggerFactory.getLogger("pitcrew.audit")).addAppender(auditLog);
    // The requester is an approver too: self-approval must still be refused.
    app.env().put("PITCREW_APPROVERS", String.join(",", APPROVER_1, APPROVER_2, REQUESTER));
    app.start(client);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger("pitcrew.audit")).detachAppender(auditLog);
  }

  @Test
  void askedScaleNeedsAnotherApproverAndRunsExactlyOnce() throws Exception {
    app.llm
        .thenToolCalls(
            "deployment_status", "{\"namespace\":\"shop\",\"name\":\"checkout\"}",
            "scale_deployment", "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}")
        .thenAnswer("checkout runs 3 replicas; I asked for approval to scale it to 5.")
        .thenAnswer("checkout now has 5 replicas; watch p99 latency for ten minutes.");

    HttpResponse<String> ack =
        app.signed.slashCommand(REQUESTER, CHANNEL, "scale checkout in shop to 5");
    assertThat(ack.statusCode()).isEqualTo(200);
    String correlationId = SignedSlack.correlationIdIn(ack.body());

    FakeSlack.Call card = app.awaitCard(correlationId);
    String approvalId = FakeSlack.button(card, "approval_approve");
    assertThat(FakeSlack.button(card, "approval_deny")).isEqualTo(approvalId);
    assertThat(card.param("thread_ts")).isEqualTo(app.slack.rootTs(CHANNEL, correlationId));
    assertThat(card.param("blocks"))
        .contains("scale_deployment")
        .contains("spec.replicas: 3 -&gt; 5") // Slack shows "->"
        .contains("<@" + REQUESTER + ">")
        .contains("<@" + APPROVER_1 + ">")
        .contains("<!date^")
        .contains(correlationId);

    // The model saw the tools with tool_choice=auto, then the status and the approval notice.
    JsonNode first = app.llm.requests().get(0);
    assertThat(first.path("tool_choice").asText()).isEqualTo("auto");
    assertThat(first.path("tools").findValuesAsText("name"))
        .contains("deployment_status", "scale_deployment");
    await().atMost(PATIENCE).until(() -> app.llm.requests().size() == 2);
    String toolResults = app.llm.requests().get(1).path("messages").toString();
    assertThat(toolResults)
        .contains("3 desired")
        .contains("trust=\\\"untrusted\\\"")
        .contains("Approval requested (" + approvalId + ")");
    awaitInThread(correlationId, "asked for approval to scale it to 5");
    assertThat(replicas()).isEqualTo(3);

    // The requester may not approve their own request, nor may someone who is not an approver.
    app.signed.click(REQUESTER, CHANNEL, "approval_approve", approvalId, card.ts());
    app.signed.click("UBYSTANDER", CHANNEL, "approval_approve", approvalId, card.ts());
    await().atMost(PATIENCE).until(() -> ephemerals().size() == 2);
    assertThat(app.slack.ephemeralTo(REQUESTER)).contains("someone else has to approve it");
    assertThat(app.slack.ephemeralTo("UBYSTANDER")).contains("not an approver");
    assertThat(replicas()).isEqualTo(3);

    // Four clicks at once by two approvers: one execution.
    ExecutorService clicks = Executors.newFixedThreadPool(4);
    List<Future<HttpResponse<String>>> responses = new ArrayList<>();
    for (String approver : List.of(APPROVER_1, APPROVER_2, APPROVER_1, APPROVER_2)) {
      Callable<HttpResponse<String>> click =
          () -> app.signed.click(approver, CHANNEL, "approval_approve", approvalId, card.ts());
      responses.add(clicks.submit(click));
    }
    for (Future<HttpResponse<String>> response : responses) {
      assertThat(response.get().statusCode()).isEqualTo(200);
    }
    clicks.shutdown();

    await().atMost(PATIENCE).until(() -> replicas() == 5);
    awaitInThread(correlationId, "Done: Scaled deployment shop/checkout from 3 to 5");
    // The model hears how the change went and suggests what to do next.
    awaitInThread(correlationId, "watch p99 latency for ten minutes");
    assertThat(app.llm.requests().get(2).path("messages").toString())
        .contains("Automatic update from Pitcrew")
        .contains("Scaled deployment shop/checkout from 3 to 5 replicas");
    await().atMost(PATIENCE).until(() -> ephemerals().size() == 5);
    assertThat(ephemerals().subList(2, 5))
        .allSatisfy(e -> assertThat(e.param("text")).contains("already"));
    await()
        .atMost(PATIENCE)
        .until(() -> app.slack.auditLines(AUDIT, correlationId, "*executed*").size() == 1);
    assertThat(events(correlationId)).hasSize(1);

    Deployment changed = client.apps().deployments().inNamespace("shop").withName("checkout").get();
    assertThat(changed.getMetadata().getAnnotations())
        .containsEntry("pitcrew.dev/correlation-id", correlationId)
        .containsEntry("pitcrew.dev/requested-by", REQUESTER)
        .containsKey("pitcrew.dev/approved-by");
    String approver = changed.getMetadata().getAnnotations().get("pitcrew.dev/approved-by");
    assertThat(approver).isIn(APPROVER_1, APPROVER_2);

    // The card ends without buttons, saying who approved and what happened.
    FakeSlack.Call lastUpdate = last(app.slack.calls("chat.update"));
    assertThat(lastUpdate.param("ts")).isEqualTo(card.ts());
    assertThat(lastUpdate.param("blocks"))
        .doesNotContain("approval_approve")
        .contains("<@" + approver + ">")
        .contains("Scaled deployment shop/checkout from 3 to 5 replicas");

    // Every step is in the audit channel with the correlation ID and a link to the thread.
    for (String step :
        List.of(
            "*asked*",
            "*tool called*",
            "*approval requested*",
            "*approval refused*",
            "*approved*",
            "*executed*")) {
      await(step)
          .atMost(PATIENCE)
          .until(() -> !app.slack.auditLines(AUDIT, correlationId, step).isEmpty());
    }
    assertThat(app.slack.auditLines(AUDIT, correlationId, "*approved*").get(0))
        .contains("|thread>")
        .contains("/archives/" + CHANNEL + "/p");
    // Every message in the thread carries the correlation ID, and so does every audit log line.
    assertThat(app.slack.thread(CHANNEL, correlationId))
        .allSatisfy(c -> assertThat(c.all()).contains(correlationId));
    assertThat(auditLog.list).hasSizeGreaterThanOrEqualTo(6);
    assertThat(auditLog.list)
        .allSatisfy(
            e -> assertThat(e.getMDCPropertyMap()).containsEntry("correlation_id", correlationId));
  }

  /**
   * An explicit ask makes two Slack calls on its answer path, the thread's root and the answer; the
   * thread link in the audit feed is built from the workspace address auth.test gave, and the ask's
   * audit events share one message. Counts, not times.
   */
  @Test
  void anExplicitAskMakesTwoSlackCallsAndOneAuditMessage() throws Exception {
    int before = app.slack.calls().size();
    String correlationId =
        SignedSlack.correlationIdIn(
            app.signed
                .slashCommand(
                    REQUESTER, CHANNEL, "run deployment_status namespace=shop name=checkout")
                .body());
    awaitInThread(correlationId, "deployment shop/checkout: 3 desired");
    await()
        .atMost(PATIENCE)
        .until(() -> !app.slack.auditLines(AUDIT, correlationId, "*tool called*").isEmpty());

    List<FakeSlack.Call> made = app.slack.calls().subList(before, app.slack.calls().size());
    // Regression (failed once in a full run): /readyz's own auth.test probe runs on its schedule
    // and may land inside this window; it is not on the answer path, so it is not counted.
    assertThat(made)
        .filteredOn(c -> !c.param("channel").equals(AUDIT))
        .filteredOn(c -> !c.method().equals("auth.test"))
        .extracting(FakeSlack.Call::method)
        .containsExactly("chat.postMessage", "chat.postMessage");
    assertThat(made).noneMatch(c -> c.method().equals("chat.getPermalink"));
    List<FakeSlack.Call> audit =
        made.stream().filter(c -> c.param("channel").equals(AUDIT)).toList();
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0).param("text").lines())
        .hasSize(2)
        .allSatisfy(
            line ->
                assertThat(line)
                    .contains(correlationId)
                    .contains(
                        "<https://pitcrew-test.slack.com/archives/"
                            + CHANNEL
                            + "/p"
                            + app.slack.rootTs(CHANNEL, correlationId).replace(".", "")
                            + "|thread>"));
  }

  @Test
  void badToolCallsGoBackToTheModelAsErrorsAndNothingIsProposed() throws Exception {
    app.llm
        .thenToolCalls(
            "delete_all_pods", "{\"namespace\":\"shop\"}",
            "scale_deployment", "{\"namespace\": shop",
            "scale_deployment", "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":500}",
            "scale_deployment",
                "{\"namespace\":\"kube-system\",\"name\":\"coredns\",\"replicas\":4}",
            "scale_deployment", "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":30}")
        .thenAnswer("I could not do that.");

    String correlationId =
        SignedSlack.correlationIdIn(
            app.signed.slashCommand(REQUESTER, CHANNEL, "do dangerous things").body());
    await()
        .atMost(PATIENCE)
        .until(() -> !app.slack.auditLines(AUDIT, correlationId, "*answered*").isEmpty());

    JsonNode messages = app.llm.requests().get(1).path("messages");
    List<String> toolResults = new ArrayList<>();
    messages.forEach(
        m -> {
          if (m.path("role").asText().equals("tool")) {
            toolResults.add(m.path("content").asText());
          }
        });
    assertThat(toolResults).hasSize(5);
    assertThat(toolResults.get(0)).startsWith("ERROR: unknown tool 'delete_all_pods'");
    assertThat(toolResults.get(1))
        .startsWith("ERROR: arguments for scale_deployment are not valid JSON");
    assertThat(toolResults.get(2))
        .startsWith("ERROR: arguments for scale_deployment are not valid: ");
    assertThat(toolResults.get(3))
        .isEqualTo(
            "Not proposed: namespace kube-system is protected: runbook scale_deployment never changes it");
    assertThat(toolResults.get(4))
        .startsWith("Not proposed: scaling from 3 to 30 changes replicas by 27");
    assertThat(app.slack.cards()).isEmpty();
    assertThat(replicas()).isEqualTo(3);
    // Mistakes are "tool rejected"; asking for more than the runbook allows (500 replicas, a
    // protected namespace, too big a step) is "over limits", apart, for whoever reads the feed.
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack.auditLines(AUDIT, correlationId, "*tool rejected*").size() == 2
                    && app.slack.auditLines(AUDIT, correlationId, "*over limits*").size() == 3);
  }

  @Test
  void withoutAModelTheAnswerSaysSoWithTheCorrelationId() throws Exception {
    app.withoutModel();
    app.restart();

    String correlationId =
        SignedSlack.correlationIdIn(
            app.signed.slashCommand(REQUESTER, CHANNEL, "why is checkout down?").body());

    awaitInThread(correlationId, "No LLM is configured");
    assertThat(app.llm.requests()).isEmpty();
  }

  @Test
  void approvedRollbackOfABadRolloutIsVerifiedInTheThread() throws Exception {
    Cluster cluster = new Cluster(client);
    cluster.reset("store");
    cluster.checkoutAfterBadRollout("store");
    app.llm
        .thenToolCalls(
            "rollout_history", "{\"namespace\":\"store\",\"name\":\"checkout\"}",
            "rollback_deployment", "{\"namespace\":\"store\",\"name\":\"checkout\"}")
        .thenAnswer("Revision 3 crashes; I proposed rolling back to revision 2.")
        .thenAnswer("Rolled back to v2; check the error rate.");
    String correlationId =
        SignedSlack.correlationIdIn(
            app.signed
                .slashCommand(REQUESTER, CHANNEL, "checkout in store is crashlooping")
                .body());
    FakeSlack.Call card = app.awaitCard(correlationId);
    assertThat(card.param("blocks"))
        .contains("revision: 3 -&gt; 2")
        .contains(
            "image of container checkout: registry.example/checkout:v3 -&gt; registry.example/checkout:v2");

    app.signed.click(
        APPROVER_1,
        CHANNEL,
        "approval_approve",
        FakeSlack.button(card, "approval_approve"),
        card.ts());

    awaitInThread(
        correlationId, "Done: Rolled back deployment store/checkout from revision 3 to revision 2");
    assertThat(app.slack.thread(CHANNEL, correlationId).stream().map(c -> c.param("text")))
        .anyMatch(
            t ->
                t.contains(
                    "To undo: /ask run rollback_deployment name=checkout namespace=store revision=3"));
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("store")
                .withName("checkout")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("registry.example/checkout:v2");

    // The mock runs no controller: play it, and the watch reports the rollout complete.
    Deployment rolled = client.apps().deployments().inNamespace("store").withName("checkout").get();
    rolled.getStatus().setReplicas(3);
    rolled.getStatus().setUpdatedReplicas(3);
    rolled.getStatus().setReadyReplicas(3);
    rolled.getStatus().setAvailableReplicas(3);
    client.resource(rolled).updateStatus();

    awaitInThread(correlationId, "Verified: deployment store/checkout: 3/3 ready after");
    await()
        .atMost(PATIENCE)
        .until(() -> app.slack.auditLines(AUDIT, correlationId, "*verified*").size() == 1);
  }

  @Test
  void aMentionInTheThreadContinuesTheConversationOnce() throws Exception {
    app.llm
        .thenToolCalls("deployment_status", "{\"namespace\":\"shop\",\"name\":\"checkout\"}")
        .thenAnswer("checkout has 3 ready replicas.")
        .thenAnswer("Yes: all 3 are ready, nothing to do.");
    String correlationId =
        SignedSlack.correlationIdIn(
            app.signed.slashCommand(REQUESTER, CHANNEL, "how is checkout?").body());
    awaitInThread(correlationId, "3 ready replicas");
    String root = app.slack.rootTs(CHANNEL, correlationId);

    String mention =
        SignedSlack.mentionBody(
            "Ev001", REQUESTER, CHANNEL, "<@UBOT> is it healthy now?", "1700000000.999999", root);
    assertThat(app.signed.sendJson(mention).statusCode()).isEqualTo(200);
    assertThat(app.signed.sendJson(mention).statusCode()).isEqualTo(200); // Slack re-delivers

    awaitInThread(correlationId, "all 3 are ready");
    String followUp = app.llm.requests().get(2).path("messages").toString();
    assertThat(followUp)
        .contains("how is checkout?")
        .contains("3 ready replicas")
        .contains("is it healthy now?");
    assertThat(followUp).doesNotContain("<@UBOT>");
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack.auditLines(AUDIT, correlationId, "*asked*").size()
                    == 2); // the re-delivery was ignored
    assertThat(app.llm.requests()).hasSize(3);
  }

  @Test
  void aPersonOverTheHourlyLimitsIsToldSoAndNothingRunsForThem(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "limits:\n  asksPerHour: 2\n  tokensPerHour: 100\n");
    app.env().put("PITCREW_CONFIG", policy.toString());
    app.restart();
    app.llm.thenAnswer("checkout has 3 ready replicas."); // 120 tokens: over the hour's 100
    String status = "run deployment_status namespace=shop name=checkout";

    String first =
        SignedSlack.correlationIdIn(
            app.signed.slashCommand(REQUESTER, CHANNEL, "how is checkout?").body());
    awaitInThread(first, "3 ready replicas");
    String second =
        SignedSlack.correlationIdIn(app.signed.slashCommand(REQUESTER, CHANNEL, "and now?").body());
    awaitInThread(second, "I stopped: the model has used 120 tokens on your questions");
    String third =
        SignedSlack.correlationIdIn(app.signed.slashCommand(REQUESTER, CHANNEL, status).body());

    awaitInThread(third, "Not taken: you have made 2 requests in the last hour");
    await()
        .atMost(PATIENCE)
        .until(() -> app.slack.auditLines(AUDIT, third, "*ask refused*").size() == 1);
    assertThat(app.llm.requests()).hasSize(1);
    // Someone else is not held back by it.
    String other =
        SignedSlack.correlationIdIn(app.signed.slashCommand(APPROVER_1, CHANNEL, status).body());
    awaitInThread(other, "deployment shop/checkout: 3 desired");
  }

  @Test
  void explicitCommandsWorkInSlackWithoutTheModel() throws Exception {
    String correlationId =
        SignedSlack.correlationIdIn(
            app.signed
                .slashCommand(
                    REQUESTER, CHANNEL, "run deployment_status namespace=shop name=checkout")
                .body());
    awaitInThread(correlationId, "deployment shop/checkout: 3 desired, 3 ready");
    assertThat(app.llm.requests()).isEmpty();

    String runbooks =
        SignedSlack.correlationIdIn(app.signed.slashCommand(REQUESTER, CHANNEL, "runbooks").body());
    awaitInThread(runbooks, "/ask run rollback_deployment namespace=");
    // An enum parameter lists its values, not its type.
    awaitInThread(
        runbooks,
        "kind=Deployment|ReplicaSet|StatefulSet|DaemonSet|Pod|Service|PersistentVolumeClaim|HorizontalPodAutoscaler|PodDisruptionBudget");

    // Slack's answers name Slack's commands.
    String typo =
        SignedSlack.correlationIdIn(
            app.signed
                .slashCommand(REQUESTER, CHANNEL, "run deploymnt_status namespace=shop")
                .body());
    awaitInThread(typo, "Did you mean deployment_status? Type /ask runbooks to list them.");
  }

  @Test
  void metricsAreExposedForPrometheus() throws Exception {
    app.llm
        .thenToolCalls("deployment_status", "{\"namespace\":\"shop\",\"name\":\"checkout\"}")
        .thenAnswer("fine");
    String correlationId =
        SignedSlack.correlationIdIn(
            app.signed.slashCommand(REQUESTER, CHANNEL, "how is checkout?").body());
    await()
        .atMost(PATIENCE)
        .until(() -> !app.slack.auditLines(AUDIT, correlationId, "*answered*").isEmpty());

    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + app.pitcrew.port() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(response.body())
        .contains("pitcrew_asks_total{kind=\"question\"} 1.0")
        .contains("pitcrew_llm_request_seconds_count{outcome=\"ok\"} 2")
        .contains("pitcrew_llm_tokens_total{direction=\"in\"}")
        .contains(
            "pitcrew_tool_call_seconds_count{outcome=\"cluster_output\",runbook=\"deployment_status\"} 1")
        .contains("pitcrew_llm_tool_choice_total{choice=\"auto\"} 2.0")
        .contains("pitcrew_agent_iterations_count 1")
        .contains("pitcrew_audit_events_total{type=\"asked\"} 1.0");
  }

  @Test
  void denyRunsNothing() throws Exception {
    app.llm
        .thenToolCalls(
            "scale_deployment", "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":1}")
        .thenAnswer("Waiting for approval to scale checkout to 1.");
    String correlationId =
        SignedSlack.correlationIdIn(
            app.signed.slashCommand(REQUESTER, CHANNEL, "scale checkout down to 1").body());
    FakeSlack.Call card = app.awaitCard(correlationId);
    String approvalId = FakeSlack.button(card, "approval_deny");

    app.signed.click(APPROVER_1, CHANNEL, "approval_deny", approvalId, card.ts());
    await()
        .atMost(PATIENCE)
        .until(() -> !app.slack.auditLines(AUDIT, correlationId, "*denied*").isEmpty());
    app.signed.click(APPROVER_2, CHANNEL, "approval_approve", approvalId, card.ts());
    await()
        .atMost(PATIENCE)
        .until(() -> app.slack.ephemeralTo(APPROVER_2).contains("already denied"));

    assertThat(replicas()).isEqualTo(3);
    // The log has every audit event as it happens (the channel gets them up to a second later).
    assertThat(auditLog.list)
        .noneMatch(e -> e.getFormattedMessage().startsWith("executed"))
        .anyMatch(e -> e.getFormattedMessage().startsWith("denied"));
    assertThat(events(correlationId)).isEmpty();
    assertThat(last(app.slack.calls("chat.update")).param("blocks"))
        .doesNotContain("approval_approve")
        .contains("Denied by <@" + APPROVER_1 + ">");
  }

  @Test
  void expiredRequestCannotBeApproved() throws Exception {
    app.llm
        .thenToolCalls(
            "scale_deployment", "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":4}")
        .thenAnswer("Waiting for approval.");
    String correlationId =
        SignedSlack.correlationIdIn(
            app.signed.slashCommand(REQUESTER, CHANNEL, "scale checkout to 4").body());
    FakeSlack.Call card = app.awaitCard(correlationId);
    String approvalId = FakeSlack.button(card, "approval_approve");

    app.clock.advance(Duration.ofMinutes(16));
    app.signed.click(APPROVER_1, CHANNEL, "approval_approve", approvalId, card.ts());

    await().atMost(PATIENCE).until(() -> app.slack.ephemeralTo(APPROVER_1).contains("expired"));
    assertThat(replicas()).isEqualTo(3);
    await()
        .atMost(PATIENCE)
        .until(() -> app.slack.auditLines(AUDIT, correlationId, "*expired*").size() == 1);
    assertThat(last(app.slack.calls("chat.update")).param("blocks"))
        .doesNotContain("approval_approve")
        .contains("Expired");
  }

  @Test
  void badSignaturesAreRejectedAndNothingHappens() throws Exception {
    String body = SignedSlack.slashCommandBody(REQUESTER, CHANNEL, "scale checkout to 9");
    long now = app.clock.instant().getEpochSecond();
    String fresh = String.valueOf(now);
    String stale = String.valueOf(now - 301);
    String future = String.valueOf(now + 301);

    assertThat(
            app.signed.send(body, fresh, app.signed.sign(fresh, body, "wrong-secret")).statusCode())
        .isEqualTo(401);
    assertThat(app.signed.send(body, stale, app.signed.sign(stale, body, SECRET)).statusCode())
        .isEqualTo(401);
    assertThat(app.signed.send(body, future, app.signed.sign(future, body, SECRET)).statusCode())
        .isEqualTo(401);
    assertThat(app.signed.send(body, null, null).statusCode()).isEqualTo(401);
    String tampered = body.replace("9", "90");
    assertThat(app.signed.send(tampered, fresh, app.signed.sign(fresh, body, SECRET)).statusCode())
        .isEqualTo(401);

    // A correctly signed request after them goes through, proving the server was listening.
    app.llm.thenAnswer("ok");
    HttpResponse<String> good = app.signed.send(body);
    assertThat(good.statusCode()).isEqualTo(200);
    String correlationId = SignedSlack.correlationIdIn(good.body());
    await()
        .atMost(PATIENCE)
        .until(() -> !app.slack.auditLines(AUDIT, correlationId, "*answered*").isEmpty());
    assertThat(
            app.slack.calls("chat.postMessage").stream()
                .filter(c -> c.param("channel").equals(CHANNEL)))
        .allSatisfy(c -> assertThat(c.all()).contains(correlationId));
    assertThat(app.llm.requests()).hasSize(1);
    assertThat(replicas()).isEqualTo(3);
  }

  @Test
  void modelTextCannotPingChannelsOrInjectLinks() throws Exception {
    app.llm.thenAnswer(
        "<!channel> all good, see <https://evil.example|the dashboard> & relax;"
            + " details at https://evil.example/login");
    String correlationId =
        SignedSlack.correlationIdIn(
            app.signed.slashCommand(REQUESTER, CHANNEL, "<!here> is all ok?").body());
    awaitInThread(correlationId, "all good");
    FakeSlack.Call answer =
        app.slack.thread(CHANNEL, correlationId).stream()
            .filter(c -> c.all().contains("all good"))
            .findFirst()
            .orElseThrow();
    assertThat(answer.all())
        .contains("&lt;!channel&gt;")
        .contains("&lt;https://evil.example|the dashboard&gt;")
        .doesNotContain("<!channel>")
        .doesNotContain("<https://evil.example");
    FakeSlack.Call root = app.slack.calls("chat.postMessage").get(0);
    assertThat(root.all()).contains("&lt;!here&gt;").doesNotContain("<!here>");
    // A bare URL is not made a link either: every mrkdwn text is verbatim.
    JsonNode blocks = JSON.readTree(answer.param("blocks"));
    assertThat(blocks.findValues("verbatim")).isNotEmpty().allMatch(JsonNode::asBoolean);
    assertThat(
            blocks.findParents("type").stream()
                .filter(n -> n.path("type").asText().equals("mrkdwn")))
        .allSatisfy(t -> assertThat(t.path("verbatim").asBoolean()).isTrue());
  }

  @Test
  void unavailableModelIsReportedWithTheCorrelationId() throws Exception {
    app.llm.thenFail(503, 3); // the SDK's first try and two retries
    String correlationId =
        SignedSlack.correlationIdIn(
            app.signed.slashCommand(REQUESTER, CHANNEL, "why is checkout slow?").body());
    awaitInThread(correlationId, "The LLM is unavailable");
    assertThat(
            app.slack.thread(CHANNEL, correlationId).stream()
                .filter(c -> c.param("text").contains("The LLM is unavailable")))
        .allSatisfy(
            c -> {
              assertThat(c.param("text")).contains("503");
              // once, under the message: not again inside its text
              assertThat(c.param("blocks").split(correlationId, -1)).hasSize(2);
            });
  }

  @Test
  void everyLogLineOfARequestCarriesItsCorrelationId() throws Exception {
    ListAppender<ILoggingEvent> all = new ListAppender<>();
    all.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(all);
    try {
      app.llm
          .thenToolCalls(
              "deployment_status", "{\"namespace\":\"shop\",\"name\":\"checkout\"}",
              "scale_deployment", "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":4}")
          .thenAnswer("Asked for approval to scale checkout to 4.")
          .thenFail(503, 3); // the follow-up after the change finds the model down
      String id =
          SignedSlack.correlationIdIn(
              app.signed.slashCommand(REQUESTER, CHANNEL, "scale to 4").body());
      FakeSlack.Call card = app.awaitCard(id);
      app.signed.click(
          APPROVER_1,
          CHANNEL,
          "approval_approve",
          FakeSlack.button(card, "approval_approve"),
          card.ts());
      await().atMost(PATIENCE).until(() -> replicas() == 4);
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  all.list.stream()
                      .anyMatch(e -> e.getFormattedMessage().contains("assistant unavailable")));

      List<ILoggingEvent> requestLines =
          all.list.stream()
              .filter(
                  e ->
                      e.getThreadName().startsWith("pitcrew-worker")
                          || e.getThreadName().startsWith("pitcrew-tool"))
              .toList();
      assertThat(requestLines).hasSizeGreaterThan(3);
      assertThat(requestLines)
          .allSatisfy(
              e ->
                  assertThat(e.getMDCPropertyMap())
                      .as("MDC of \"%s\"", e.getFormattedMessage())
                      .containsEntry("correlation_id", id));
    } finally {
      root.detachAppender(all);
    }
  }

  // --- helpers ---

  private int replicas() {
    return client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("checkout")
        .get()
        .getSpec()
        .getReplicas();
  }

  /** The card, once Pitcrew has recorded it (the audit line comes after that). */
  /** Waits until a message in the thread of {@code correlationId} contains {@code text}. */
  private void awaitInThread(String correlationId, String text) {
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                app.slack.thread(CHANNEL, correlationId).stream()
                    .anyMatch(c -> c.all().contains(text)));
  }

  private List<FakeSlack.Call> ephemerals() {
    return app.slack.calls("chat.postEphemeral");
  }

  private List<Event> events(String correlationId) {
    return client.v1().events().inNamespace("shop").list().getItems().stream()
        .filter(e -> e.getMessage() != null && e.getMessage().contains(correlationId))
        .toList();
  }

  private static <T> T last(List<T> list) {
    assertThat(list).isNotEmpty();
    return list.get(list.size() - 1);
  }
}
