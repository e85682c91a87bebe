package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pitcrew.approvals.ManualClock;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.testing.FakeSlack;
import dev.pitcrew.bot.testing.ScriptedOpenAi;
import dev.pitcrew.bot.testing.SignedSlack;
import dev.pitcrew.bot.testing.TestEnv;
import dev.pitcrew.remediations.Cluster;
import dev.pitcrew.remediations.EnableDryRunMockClient;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Credentials the cluster hands back never leave Pitcrew: planted in a pod's log, a Deployment's
 * env and an Event, and repeated in the model's own answer, none reaches the fake Slack (thread,
 * audit channel, metadata), the scripted model or the log, while the near-misses a reader needs
 * stay. Over real HTTP with the real Slack and OpenAI clients; the CRUD mock serves no logs, so the
 * log is a scripted answer of the mock (it checks the query), and it ignores RBAC.
 */
@EnableDryRunMockClient
class SecretsNeverLeaveTest {
  private static final String SECRET = "test-signing-secret";
  private static final String REQUESTER = "UREQUESTER";
  private static final String CHANNEL = "COPS";
  private static final String AUDIT = "CAUDIT";
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final String LOG_PATH =
      "/api/v1/namespaces/shop/pods/checkout-hash3-pod0/log?pretty=false&container=checkout"
          + "&tailLines=100&limitBytes=4194304";

  static KubernetesClient client;
  static KubernetesMockServer server;

  /** Each planted credential's secret part: none of these may appear anywhere outside. */
  private static final List<String> SECRETS =
      List.of(
          "Pg-S3cret-99",
          "hunter2-hunter2",
          "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
          "AKIAIOSFODNN7EXAMPLE",
          "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
          "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
          "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789",
          "AIzaSyA-abcdefghijklmnopqrstuvwxyz01234",
          "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
          "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
          "env-Secret-42",
          "Ev3ntSecret7");

  /** What looks a little like a credential but is what an operator needs to read. */
  private static final List<String> NEAR_MISSES =
      List.of(
          "token_count=5",
          "commit 3f786850e387550fdab836ed7e6dc881de23001b",
          "request 123e4567-e89b-12d3-a456-426614174000",
          "PAYMENTS_TIMEOUT_MS=30s");

  private static final String LOG =
      String.join(
          "\n",
          "connecting to postgres://app:Pg-S3cret-99@db.shop.svc:5432/orders",
          "retry with DB_PASSWORD=hunter2-hunter2",
          "upstream said Authorization: Bearer " + SECRETS.get(2) + "Q",
          "aws key AKIAIOSFODNN7EXAMPLE denied",
          "git token ghp_0123456789abcdefghijklmnopqrstuvwxyz expired",
          "slack " + SECRETS.get(5),
          "openai " + SECRETS.get(6),
          "maps " + SECRETS.get(7),
          "stripe " + SECRETS.get(8),
          "-----BEGIN PRIVATE KEY-----",
          SECRETS.get(9),
          "-----END PRIVATE KEY-----",
          "tokenizer ready token_count=5",
          "build commit 3f786850e387550fdab836ed7e6dc881de23001b",
          "request 123e4567-e89b-12d3-a456-426614174000 failed",
          "ERROR Configuration key PAYMENTS_TIMEOUT_MS=30s is not a number",
          "");

  private final ManualClock clock = new ManualClock(Instant.now());
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private FakeSlack slack;
  private ScriptedOpenAi llm;
  private Pitcrew pitcrew;
  private SignedSlack signed;

  @BeforeEach
  void start() throws Exception {
    server.reset();
    Cluster cluster = new Cluster(client);
    cluster.reset("shop");
    cluster.checkoutAfterBadRollout("shop");
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("checkout")
        .edit(
            d -> {
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .setEnv(
                      List.of(
                          new EnvVar("DB_PASSWORD", "env-Secret-42", null),
                          new EnvVar("LOG_LEVEL", "debug", null)));
              return d;
            });
    cluster.event(
        "shop",
        "Pod",
        "checkout-hash3-pod0",
        "Warning",
        "Unhealthy",
        "probe auth failed: client_secret=Ev3ntSecret7",
        "2026-11-21T09:59:30Z",
        1);
    server.expect().get().withPath(LOG_PATH).andReturn(200, LOG).always();
    slack = new FakeSlack();
    llm = new ScriptedOpenAi();
    logged.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logged);
    Map<String, String> env = TestEnv.slackAndModel(slack, llm, SECRET);
    env.put("PITCREW_AUDIT_CHANNEL", AUDIT);
    env.put("PITCREW_APPROVERS", "UAPPROVER");
    pitcrew =
        Pitcrew.builder(Config.fromEnv(env), client).clock(clock).bindAddress("127.0.0.1").start();
    signed = new SignedSlack(pitcrew.port(), SECRET, clock);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
    pitcrew.close();
    slack.close();
    llm.close();
  }

  @Test
  void explicitReadsShowNoCredentialOfLogsEnvOrEvents() throws Exception {
    String logs = ask("run pod_logs namespace=shop name=checkout-hash3-pod0");
    String describe = ask("run describe namespace=shop kind=Deployment name=checkout");
    String events = ask("run recent_events namespace=shop");

    String logReply = awaitReply(logs, "log of shop/checkout-hash3-pod0");
    assertThat(logReply)
        .contains("postgres://app:[masked: password]@db.shop.svc")
        .contains("DB_PASSWORD=[masked: password]")
        .contains("[masked: private_key]");
    NEAR_MISSES.forEach(nearMiss -> assertThat(logReply).contains(nearMiss));
    assertThat(awaitReply(describe, "deployment shop/checkout:"))
        .contains("[masked: password]")
        .contains("LOG_LEVEL");
    assertThat(awaitReply(events, "Unhealthy")).contains("client_secret=[masked: secret]");
    await().atMost(PATIENCE).until(() -> !slack.auditLines(AUDIT, logs, "values masked").isEmpty());

    assertNoSecretLeftPitcrew();
    assertThat(scrape())
        .contains("pitcrew_masked_values_total{kind=\"password\"} 3.0") // URL, log, env
        .contains("pitcrew_masked_values_total{kind=\"authorization\"} 1.0");
  }

  @Test
  void theModelSeesNoCredentialAndItsAnswerShowsNone() throws Exception {
    llm.thenToolCalls(
            "pod_logs", "{\"namespace\":\"shop\",\"name\":\"checkout-hash3-pod0\"}",
            "describe", "{\"namespace\":\"shop\",\"kind\":\"Deployment\",\"name\":\"checkout\"}")
        // A model that knew the secret from elsewhere and repeats it: masked on the way in too.
        .thenAnswer(
            "The database refuses DB_PASSWORD=hunter2-hunter2; also rotate "
                + SECRETS.get(5)
                + ". PAYMENTS_TIMEOUT_MS=30s is not a number.");

    String correlationId = ask("why does checkout crash in shop?");
    String answer = awaitReply(correlationId, "The database refuses");

    assertThat(answer)
        .contains("DB_PASSWORD=[masked: password]")
        .contains("[masked: slack_token]")
        .contains("PAYMENTS_TIMEOUT_MS=30s");
    await()
        .atMost(PATIENCE)
        .until(() -> !slack.auditLines(AUDIT, correlationId, "*answered*").isEmpty());
    assertThat(llm.requests().get(1).path("messages").toString())
        .contains("[masked: password]")
        .contains("token_count=5");
    assertNoSecretLeftPitcrew();
  }

  private void assertNoSecretLeftPitcrew() {
    String toSlack = String.join("\n", slack.calls().stream().map(FakeSlack.Call::all).toList());
    String toModel = llm.requests().toString();
    String toLog =
        String.join("\n", logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    for (String secret : SECRETS) {
      assertThat(toSlack).as("Slack").doesNotContain(secret);
      assertThat(toModel).as("the model").doesNotContain(secret);
      assertThat(toLog).as("the log").doesNotContain(secret);
    }
  }

  private String ask(String text) throws Exception {
    return SignedSlack.correlationIdIn(signed.slashCommand(REQUESTER, CHANNEL, text).body());
  }

  private String awaitReply(String correlationId, String text) {
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                slack.thread(CHANNEL, correlationId).stream()
                    .anyMatch(c -> c.param("text").contains(text)));
    return slack.thread(CHANNEL, correlationId).stream()
        .map(c -> c.param("text"))
        .filter(t -> t.contains(text))
        .findFirst()
        .orElseThrow();
  }

  private String scrape() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pitcrew.port() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
