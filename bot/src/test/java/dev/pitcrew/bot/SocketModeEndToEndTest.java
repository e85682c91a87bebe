package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitcrew.approvals.ManualClock;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.slack.SlackManifest;
import dev.pitcrew.bot.testing.FakeSlack;
import dev.pitcrew.bot.testing.FakeSlackSocket;
import dev.pitcrew.bot.testing.SignedSlack;
import dev.pitcrew.remediations.Deployments;
import dev.pitcrew.remediations.EnableDryRunMockClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.java_websocket.WebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Socket Mode end to end: a local server speaking Slack's Socket Mode protocol (hello, envelopes,
 * acknowledgements, disconnect), the fake Web API (whose apps.connections.open hands out that
 * server's ws:// URL), and Fabric8's mock API server in CRUD mode. The fake socket does not retry
 * unacknowledged envelopes nor choose connections by itself: each test picks the connection. The
 * mock honours dry run but enforces no RBAC.
 */
@EnableDryRunMockClient
class SocketModeEndToEndTest {
  private static final String REQUESTER = "UREQ";
  private static final String APPROVER = "ULEAD";
  private static final String CHANNEL = "COPS";
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  static KubernetesClient client;

  private final ManualClock clock = new ManualClock(Instant.now());
  private final List<Pitcrew> replicas = new ArrayList<>();
  private FakeSlack slack;
  private FakeSlackSocket socket;

  @BeforeEach
  void start() throws Exception {
    client.apps().deployments().inAnyNamespace().delete();
    client.configMaps().inNamespace("pitcrew").delete();
    client.v1().events().inNamespace("shop").delete();
    client.resource(Deployments.ready("shop", "checkout", 3)).create();
    slack = new FakeSlack();
    socket = new FakeSlackSocket();
    slack.socketUrl(socket.url());
  }

  private Pitcrew startReplica() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("SLACK_BOT_TOKEN", "xoxb-test-token");
    env.put("SLACK_APP_TOKEN", "xapp-1-test-token"); // no signing secret: Socket Mode needs none
    env.put("SLACK_API_URL", slack.apiUrl());
    env.put("PITCREW_AUDIT_CHANNEL", "CAUDIT");
    env.put("PITCREW_APPROVERS", APPROVER);
    env.put("PITCREW_NAMESPACE", "pitcrew"); // the durable store replicas share
    env.put("PITCREW_ALERT_TOKEN", ALERT_TOKEN);
    env.put("PITCREW_ALERT_CHANNEL", "C0ALERTS");
    env.put("PORT", "0");
    Pitcrew pitcrew =
        Pitcrew.builder(Config.fromEnv(env), client)
            .clock(clock)
            .rolloutPoll(Duration.ofMillis(50))
            .bindAddress("127.0.0.1")
            .start();
    replicas.add(pitcrew);
    return pitcrew;
  }

  @AfterEach
  void stop() throws Exception {
    replicas.forEach(Pitcrew::close);
    socket.close();
    slack.close();
  }

  private static final String ALERT_TOKEN = "socket-mode-alert-token-0123";

  /** Alertmanager's webhook is plain HTTP on Pitcrew's port in Socket Mode too. */
  @Test
  void alertsArriveOverHttpWhileSlackTalksOverTheSocket() throws Exception {
    Pitcrew pitcrew = startReplica();
    await().atMost(PATIENCE).until(() -> socket.openConnections() == 1);
    String firing;
    try (var in = getClass().getResourceAsStream("/alerts/firing.json")) {
      firing = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(url(pitcrew, "/alerts/alertmanager"))
                    .header("Authorization", "Bearer " + ALERT_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(firing))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                slack.calls("chat.postMessage").stream()
                    .anyMatch(
                        c ->
                            c.param("channel").equals("C0ALERTS")
                                && c.param("text").startsWith("Firing: KubePodCrashLooping")));
  }

  @Test
  void askApproveAndChangeRunOverTheSocketWithEveryEnvelopeAcknowledged() throws Exception {
    Pitcrew pitcrew = startReplica();
    await().atMost(PATIENCE).until(() -> socket.openConnections() == 1);
    await().atMost(PATIENCE).until(() -> pitcrew.notReady().isEmpty());
    WebSocket connection = socket.latest();

    String ask =
        socket.send(
            connection,
            "slash_commands",
            SignedSlack.slashCommandPayload(
                REQUESTER,
                CHANNEL,
                "run scale_deployment namespace=shop name=checkout replicas=5"));
    JsonNode ack = awaitAck(ask);
    assertThat(ack.path("payload").path("text").asText()).contains("Working on it");
    String correlationId = SignedSlack.correlationIdIn(ack.path("payload").path("text").asText());

    FakeSlack.Call card = awaitCard();
    assertThat(card.all()).contains(correlationId);
    String approvalId = FakeSlack.button(card, "approval_approve");
    String click =
        socket.send(
            connection,
            "interactive",
            SignedSlack.blockActionPayload(
                APPROVER, CHANNEL, "approval_approve", approvalId, card.ts()));
    awaitAck(click);
    await().atMost(PATIENCE).until(() -> replicas("shop", "checkout") == 5);
    await()
        .atMost(PATIENCE)
        .until(() -> slack.auditLines("CAUDIT", correlationId, "*executed*").size() == 1);

    // Every Web API method this path used is one the app manifest asks a scope for.
    assertThat(slack.calls().stream().map(FakeSlack.Call::method).distinct())
        .allSatisfy(method -> assertThat(SlackManifest.SCOPES).containsKey(method));

    // A follow-up by mention in the thread, as an Events API envelope.
    String root = slack.rootTs(CHANNEL, correlationId);
    String mention =
        socket.send(
            connection,
            "events_api",
            SignedSlack.mentionPayload(
                "Ev1",
                REQUESTER,
                CHANNEL,
                "<@UBOT> run deployment_status namespace=shop name=checkout",
                "1700000001.000100",
                root));
    assertThat(awaitAck(mention).has("payload")).isFalse();
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                slack.thread(CHANNEL, correlationId).stream()
                    .anyMatch(c -> c.all().contains("deployment shop/checkout: 5 desired")));
  }

  @Test
  void envelopesAreAcknowledgedBeforeAnyWebApiCall() throws Exception {
    Pitcrew pitcrew = startReplica();
    await().atMost(PATIENCE).until(() -> pitcrew.notReady().isEmpty());
    int callsBefore = slack.calls().size();

    try (AutoCloseable held = slack.hold()) {
      String ask =
          socket.send(
              socket.latest(),
              "slash_commands",
              SignedSlack.slashCommandPayload(
                  REQUESTER, CHANNEL, "run deployment_status namespace=shop name=checkout"));
      // Slack's Web API answers nothing while held, so the ack cannot have waited for it.
      assertThat(awaitAck(ask).path("payload").path("text").asText()).contains("Working on it");
      assertThat(slack.calls()).hasSize(callsBefore);
    }
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                slack.calls("chat.postMessage").stream()
                    .anyMatch(c -> c.all().contains("deployment shop/checkout: 3 desired")));
  }

  @Test
  void reconnectsWhenSlackAsksAndWhenTheSocketDrops() throws Exception {
    Pitcrew pitcrew = startReplica();
    await().atMost(PATIENCE).until(() -> pitcrew.notReady().isEmpty());
    WebSocket first = socket.latest();
    int opens = slack.calls("apps.connections.open").size();

    socket.disconnect(first, "refresh_requested");
    await().atMost(PATIENCE).until(() -> socket.connections().size() == 2);
    await().atMost(PATIENCE).until(() -> !first.isOpen());
    assertThat(slack.calls("apps.connections.open")).hasSize(opens + 1);
    WebSocket second = socket.latest();
    assertThat(second).isNotSameAs(first);
    assertThat(
            awaitAck(
                    socket.send(
                        second,
                        "slash_commands",
                        SignedSlack.slashCommandPayload(REQUESTER, CHANNEL, "help")))
                .path("payload")
                .path("text")
                .asText())
        .isNotEmpty();

    second.close(); // a dropped connection: no disconnect message first
    await().atMost(PATIENCE).until(() -> pitcrew.notReady().containsKey("slack"));
    await().atMost(PATIENCE).until(() -> socket.connections().size() == 3);
    await().atMost(PATIENCE).until(() -> pitcrew.notReady().isEmpty());
    assertThat(
            awaitAck(
                    socket.send(
                        socket.latest(),
                        "slash_commands",
                        SignedSlack.slashCommandPayload(REQUESTER, CHANNEL, "help")))
                .path("payload")
                .path("text")
                .asText())
        .isNotEmpty();
  }

  @Test
  void aFirstHandshakeThatFailsIsRetried() throws Exception {
    slack.socketUrl("ws://127.0.0.1:9/nothing-listens-here");
    Pitcrew pitcrew = startReplica();
    assertThat(pitcrew.notReady()).containsKey("slack");

    slack.socketUrl(socket.url()); // the next apps.connections.open hands out a live socket
    await().atMost(PATIENCE).until(() -> socket.openConnections() == 1);
    await().atMost(PATIENCE).until(() -> pitcrew.notReady().isEmpty());
    assertThat(slack.calls("apps.connections.open")).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void twoReplicasEachHoldAConnectionAndAClickOnBothRunsTheChangeOnce() throws Exception {
    Pitcrew one = startReplica();
    Pitcrew two = startReplica();
    await().atMost(PATIENCE).until(() -> socket.openConnections() == 2);
    await().atMost(PATIENCE).until(() -> one.notReady().isEmpty() && two.notReady().isEmpty());
    List<WebSocket> connections = socket.connections();

    String ask =
        socket.send(
            connections.get(0),
            "slash_commands",
            SignedSlack.slashCommandPayload(
                REQUESTER,
                CHANNEL,
                "run scale_deployment namespace=shop name=checkout replicas=6"));
    String correlationId =
        SignedSlack.correlationIdIn(awaitAck(ask).path("payload").path("text").asText());
    FakeSlack.Call card = awaitCard();
    String approvalId = FakeSlack.button(card, "approval_approve");

    // Slack re-delivers an envelope it thinks was lost on another connection: both replicas get it.
    List<String> clicks = new ArrayList<>();
    for (WebSocket connection : connections) {
      clicks.add(
          socket.send(
              connection,
              "interactive",
              SignedSlack.blockActionPayload(
                  APPROVER, CHANNEL, "approval_approve", approvalId, card.ts())));
    }
    clicks.forEach(this::awaitAck);
    await().atMost(PATIENCE).until(() -> replicas("shop", "checkout") == 6);
    await()
        .atMost(PATIENCE)
        .until(() -> slack.auditLines("CAUDIT", correlationId, "*executed*").size() == 1);
    // Both clicks were answered (the second is told the request is no longer pending) ...
    await().atMost(PATIENCE).until(() -> !slack.ephemeralTo(APPROVER).isBlank());
    // ... and the change ran once: one Event on the cluster, one "executed" line.
    assertThat(client.v1().events().inNamespace("shop").list().getItems())
        .filteredOn(
            e ->
                e.getMetadata().getAnnotations() != null
                    && correlationId.equals(
                        e.getMetadata().getAnnotations().get("pitcrew.dev/correlation-id")))
        .hasSize(1);
    await()
        .atMost(PATIENCE)
        .until(() -> slack.auditLines("CAUDIT", correlationId, "*executed*").size() == 1);
  }

  @Test
  void httpStillServesHealthReadinessAndMetricsButNoSlackEvents() throws Exception {
    Pitcrew pitcrew = startReplica();
    await().atMost(PATIENCE).until(() -> pitcrew.notReady().isEmpty());
    HttpClient http = HttpClient.newHttpClient();

    assertThat(get(http, pitcrew, "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(http, pitcrew, "/readyz").statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = get(http, pitcrew, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    HttpResponse<String> events =
        http.send(
            HttpRequest.newBuilder(url(pitcrew, "/slack/events"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(events.statusCode()).isEqualTo(404);

    socket.latest().close();
    await().atMost(PATIENCE).until(() -> get(http, pitcrew, "/readyz").statusCode() == 503);
    await().atMost(PATIENCE).until(() -> get(http, pitcrew, "/readyz").statusCode() == 200);
  }

  private static HttpResponse<String> get(HttpClient http, Pitcrew pitcrew, String path)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(url(pitcrew, path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI url(Pitcrew pitcrew, String path) {
    return URI.create("http://127.0.0.1:" + pitcrew.port() + path);
  }

  private JsonNode awaitAck(String envelopeId) {
    return await().atMost(PATIENCE).until(() -> socket.ack(envelopeId), a -> a != null);
  }

  private FakeSlack.Call awaitCard() {
    await().atMost(PATIENCE).until(() -> !slack.cards().isEmpty());
    return slack.cards().get(0);
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
}
