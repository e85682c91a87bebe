package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitcrew.approvals.ManualClock;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.testing.FakeSlack;
import dev.pitcrew.bot.testing.ScriptedOpenAi;
import dev.pitcrew.bot.testing.SignedSlack;
import dev.pitcrew.bot.testing.TestEnv;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Pitcrew per test over real HTTP, with its fakes: a fake Slack Web API that records calls, a
 * scripted OpenAI-compatible server (the real OpenAI SDK talks to it), signed Slack requests and a
 * manual clock. Registered with {@code @RegisterExtension}; its fakes exist before the test's own
 * {@code @BeforeEach}, which sets {@link #env()} and calls {@link #start}; everything is closed
 * after the test. The cluster is the test's (Fabric8's mock API server).
 */
final class RunningPitcrew implements BeforeEachCallback, AfterEachCallback {
  static final String SECRET = "test-signing-secret";
  static final String AUDIT = "CAUDIT";
  static final Duration PATIENCE = Duration.ofSeconds(30);

  final ManualClock clock = new ManualClock(Instant.now());
  FakeSlack slack;
  ScriptedOpenAi llm;
  Pitcrew pitcrew;
  SignedSlack signed;
  private Map<String, String> env;
  private KubernetesClient client;
  private UnaryOperator<Pitcrew.Builder> tuning = UnaryOperator.identity();
  private final List<Pitcrew> others = new java.util.ArrayList<>();

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    slack = new FakeSlack();
    llm = new ScriptedOpenAi();
    env = TestEnv.slackAndModel(slack, llm, SECRET);
    env.put("PITCREW_AUDIT_CHANNEL", AUDIT);
  }

  /** The settings the next {@link #start} uses; change them before it. */
  Map<String, String> env() {
    return env;
  }

  /** The key the chart gives every replica to sign stored approval requests with. */
  static final String STORE_KEY = "test-store-key-of-at-least-32-bytes";

  /** No model: questions are off, explicit commands and alerts' evidence still work. */
  RunningPitcrew withoutModel() {
    env.remove("OPENAI_API_KEY");
    env.remove("OPENAI_BASE_URL");
    env.remove("PITCREW_MODEL");
    return this;
  }

  /**
   * The durable store in namespace {@code pitcrew}, signed as the chart runs it: what replicas
   * share (approval requests, claims).
   */
  RunningPitcrew sharedStore() {
    env.put("PITCREW_NAMESPACE", "pitcrew");
    env.put("PITCREW_APPROVAL_STORE", "kubernetes");
    env.put("PITCREW_STORE_KEY", STORE_KEY);
    return this;
  }

  /** Starts Pitcrew on {@code client}, polling rollouts every 50 ms. */
  RunningPitcrew start(KubernetesClient client) throws Exception {
    return start(client, UnaryOperator.identity());
  }

  /** As {@link #start(KubernetesClient)}, with more builder settings (a faster sweep, say). */
  RunningPitcrew start(KubernetesClient client, UnaryOperator<Pitcrew.Builder> tuning)
      throws Exception {
    this.client = client;
    this.tuning = tuning;
    pitcrew = build();
    signed = new SignedSlack(pitcrew.port(), SECRET, clock);
    return this;
  }

  private Pitcrew build() throws Exception {
    return tuning
        .apply(
            Pitcrew.builder(Config.fromEnv(env), client)
                .clock(clock)
                .rolloutPoll(Duration.ofMillis(50))
                .bindAddress("127.0.0.1"))
        .start();
  }

  /**
   * Another replica beside the running one: the same settings, fakes and cluster (share the store
   * by setting PITCREW_NAMESPACE), closed after the test.
   */
  Pitcrew anotherReplica() throws Exception {
    Pitcrew other = build();
    others.add(other);
    return other;
  }

  /** A new process on the same settings and cluster: nothing kept in memory. */
  void restart() throws Exception {
    stop();
    startAgain();
  }

  /** Stops Pitcrew, as a process that ends; the fakes and the cluster stay. */
  void stop() {
    if (pitcrew != null) {
      pitcrew.close();
      pitcrew = null;
    }
  }

  /** Starts Pitcrew again as the last {@link #start} did, with the settings as they are now. */
  void startAgain() throws Exception {
    start(client, tuning);
  }

  /**
   * {@code /ask text} from {@code user} in {@code channel}, acknowledged.
   *
   * @return the correlation ID the acknowledgement gave
   */
  String ask(String user, String channel, String text) throws Exception {
    HttpResponse<String> ack = signed.slashCommand(user, channel, text);
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
    return SignedSlack.correlationIdIn(ack.body());
  }

  /** The approval cards for this request (those with buttons), oldest first. */
  List<FakeSlack.Call> cards(String correlationId) {
    return slack.cards().stream()
        .filter(
            c ->
                c.param("blocks").contains("approval_approve")
                    && c.param("blocks").contains(correlationId))
        .toList();
  }

  /**
   * The request's card, once it is posted and its "approval requested" audit line is too (the line
   * follows the card; a test that reads both must wait for both).
   */
  FakeSlack.Call awaitCard(String correlationId) {
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                !cards(correlationId).isEmpty()
                    && !slack.auditLines(AUDIT, correlationId, "*approval requested*").isEmpty());
    return cards(correlationId).get(0);
  }

  /** Clicks Approve on {@code card} as {@code approver}, in {@code channel}. */
  void approve(String approver, String channel, FakeSlack.Call card) throws Exception {
    signed.click(
        approver,
        channel,
        "approval_approve",
        FakeSlack.button(card, "approval_approve"),
        card.ts());
  }

  /** Waits until the Deployment asks for {@code replicas}. */
  void awaitReplicas(String namespace, String name, int replicas) {
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                client
                        .apps()
                        .deployments()
                        .inNamespace(namespace)
                        .withName(name)
                        .get()
                        .getSpec()
                        .getReplicas()
                    == replicas);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    others.forEach(Pitcrew::close);
    stop();
    slack.close();
    llm.close();
  }
}
