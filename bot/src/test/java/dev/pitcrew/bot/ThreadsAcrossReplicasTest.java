package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitcrew.approvals.ManualClock;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.testing.FakeSlack;
import dev.pitcrew.bot.testing.ScriptedOpenAi;
import dev.pitcrew.bot.testing.SignedSlack;
import dev.pitcrew.bot.testing.TestEnv;
import dev.pitcrew.remediations.Deployments;
import dev.pitcrew.remediations.EnableDryRunMockClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Two Pitcrew replicas as the chart runs them: one fake Slack Web API, one scripted model, and the
 * approval store and claims shared as ConfigMaps in Fabric8's CRUD mock (which refuses a second
 * create of a name, as an API server does, and ignores RBAC). A thread's conversation must not
 * depend on which replica takes an event, nor on a restart. The fake Slack returns a thread's
 * messages with their metadata like {@code conversations.replies}; it never pages, and it keeps
 * what {@code chat.update} sent out of what it returns.
 */
@EnableDryRunMockClient
class ThreadsAcrossReplicasTest {
  private static final String SECRET = "test-signing-secret";
  private static final String REQUESTER = "UREQUESTER";
  private static final String APPROVER = "UAPPROVER";
  private static final String CHANNEL = "COPS";
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  static KubernetesClient client;

  private final ManualClock clock = new ManualClock(Instant.now());
  private final ListAppender<ILoggingEvent> slackLog = new ListAppender<>();
  private FakeSlack slack;
  private ScriptedOpenAi llm;
  private Pitcrew one;
  private Pitcrew two;

  @BeforeEach
  void start() throws Exception {
    client.apps().deployments().inNamespace("shop").delete();
    client.configMaps().inNamespace("pitcrew").delete();
    client.resource(Deployments.ready("shop", "checkout", 3)).create();
    slack = new FakeSlack();
    llm = new ScriptedOpenAi();
    slackLog.start();
    ((Logger) LoggerFactory.getLogger(dev.pitcrew.bot.slack.Mentions.class)).addAppender(slackLog);
    one = replica();
    two = replica();
  }

  private Pitcrew replica() throws Exception {
    Map<String, String> env = TestEnv.slackAndModel(slack, llm, SECRET);
    env.put("PITCREW_APPROVERS", APPROVER);
    env.put("PITCREW_NAMESPACE", "pitcrew");
    env.put("PITCREW_APPROVAL_STORE", "kubernetes");
    env.put("PITCREW_STORE_KEY", "test-store-key-of-at-least-32-bytes");
    return Pitcrew.builder(Config.fromEnv(env), client)
        .clock(clock)
        .rolloutPoll(Duration.ofMillis(50))
        .bindAddress("127.0.0.1")
        .start();
  }

  private SignedSlack to(Pitcrew replica) {
    return new SignedSlack(replica.port(), SECRET, clock);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(dev.pitcrew.bot.slack.Mentions.class))
        .detachAppender(slackLog);
    one.close();
    two.close();
    slack.close();
    llm.close();
  }

  @Test
  void aFollowUpOnTheOtherReplicaOrAfterARestartContinuesTheConversation() throws Exception {
    llm.thenAnswer("checkout has 3 ready replicas.")
        .thenAnswer("Yes: all 3 are ready.")
        .thenAnswer("Still 3 of 3, nothing to do.");
    String correlationId = ask(one, "how is checkout in shop?");
    awaitInThread(correlationId, "3 ready replicas");
    String root = slack.rootTs(CHANNEL, correlationId);

    mention(two, "Ev1", root, "<@UBOT> is it healthy now?");
    FakeSlack.Call second = awaitInThread(correlationId, "all 3 are ready");

    assertThat(order(messagesOf(llm.requests().get(1))))
        .containsExactly("how is checkout in shop?", "3 ready replicas", "is it healthy now?");
    assertThat(correlationIdOf(second)).isEqualTo(correlationId);
    assertThat(second.param("blocks")).contains(correlationId);

    one.close(); // an upgrade replaces the process that opened the thread
    one = replica();
    mention(one, "Ev2", root, "<@UBOT> and now?");
    FakeSlack.Call third = awaitInThread(correlationId, "Still 3 of 3");

    assertThat(order(messagesOf(llm.requests().get(2))))
        .containsExactly(
            "how is checkout in shop?",
            "3 ready replicas",
            "is it healthy now?",
            "all 3 are ready",
            "and now?");
    assertThat(correlationIdOf(third)).isEqualTo(correlationId);
  }

  @Test
  void aChangeApprovedThroughTheOtherReplicaGetsTheModelsSummary() throws Exception {
    llm.thenToolCalls(
            "scale_deployment", "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}")
        .thenAnswer("I asked for approval to scale checkout to 5.")
        .thenAnswer("checkout now runs 5 replicas; watch its latency.");
    String correlationId = ask(one, "scale checkout in shop to 5");
    await().atMost(PATIENCE).until(() -> slack.cards().size() == 1);
    FakeSlack.Call card = slack.cards().get(0);

    to(two)
        .click(
            APPROVER,
            CHANNEL,
            "approval_approve",
            FakeSlack.button(card, "approval_approve"),
            card.ts());

    FakeSlack.Call summary = awaitInThread(correlationId, "watch its latency");
    String update = messagesOf(llm.requests().get(2));
    assertThat(update)
        .contains("scale checkout in shop to 5")
        .contains("I asked for approval to scale checkout to 5.")
        .contains("Automatic update from Pitcrew")
        .contains("was made");
    assertThat(correlationIdOf(summary)).isEqualTo(correlationId);
    assertThat(client.apps().deployments().inNamespace("shop").withName("checkout").get().getSpec())
        .satisfies(spec -> assertThat(spec.getReplicas()).isEqualTo(5));
  }

  @Test
  void aFollowUpFromAnotherPersonSeesWhatTheThreadShowsNeverTheFirstPersonsToolResults()
      throws Exception {
    llm.thenToolCalls("deployment_status", "{\"namespace\":\"shop\",\"name\":\"checkout\"}")
        .thenAnswer("checkout looks healthy.")
        .thenAnswer("Nothing has changed since.");
    String correlationId = ask(one, "how is checkout in shop?");
    awaitInThread(correlationId, "looks healthy");
    // The first person's tool result went to the model, under their rights.
    assertThat(messagesOf(llm.requests().get(1))).contains("3 desired, 3 ready");
    String root = slack.rootTs(CHANNEL, correlationId);

    String ts = slack.personWrites(CHANNEL, root, "USECOND", "<@UBOT> still fine?");
    to(two)
        .sendJson(
            SignedSlack.mentionBody("Ev4", "USECOND", CHANNEL, "<@UBOT> still fine?", ts, root));
    awaitInThread(correlationId, "Nothing has changed since");

    String followUp = messagesOf(llm.requests().get(2));
    assertThat(followUp)
        .contains("how is checkout in shop?")
        .contains("checkout looks healthy.")
        .contains("still fine?")
        .doesNotContain("3 desired, 3 ready")
        .doesNotContain("tool_calls");
  }

  @Test
  void anEventDeliveredToBothReplicasIsAnsweredOnce() throws Exception {
    llm.thenAnswer("checkout has 3 ready replicas.")
        .thenAnswer("the one answer")
        .thenAnswer("a second answer to the same event");
    String correlationId = ask(one, "how is checkout in shop?");
    awaitInThread(correlationId, "3 ready replicas");
    String root = slack.rootTs(CHANNEL, correlationId);
    String ts = slack.personWrites(CHANNEL, root, REQUESTER, "<@UBOT> anything else?");
    String event =
        SignedSlack.mentionBody("Ev3", REQUESTER, CHANNEL, "<@UBOT> anything else?", ts, root);

    assertThat(to(one).sendJson(event).statusCode()).isEqualTo(200);
    assertThat(to(two).sendJson(event).statusCode()).isEqualTo(200); // Slack's retry, elsewhere

    awaitInThread(correlationId, "the one answer");
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                slackLog.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("Ev3 was taken by another")));
    assertThat(llm.requests()).hasSize(2);
    assertThat(slack.thread(CHANNEL, correlationId))
        .noneMatch(c -> c.all().contains("a second answer"));
  }

  private String ask(Pitcrew replica, String question) throws Exception {
    return SignedSlack.correlationIdIn(
        to(replica).slashCommand(REQUESTER, CHANNEL, question).body());
  }

  private void mention(Pitcrew replica, String eventId, String root, String text) throws Exception {
    String ts = slack.personWrites(CHANNEL, root, REQUESTER, text);
    assertThat(
            to(replica)
                .sendJson(SignedSlack.mentionBody(eventId, REQUESTER, CHANNEL, text, ts, root))
                .statusCode())
        .isEqualTo(200);
  }

  private FakeSlack.Call awaitInThread(String correlationId, String text) {
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                slack.thread(CHANNEL, correlationId).stream()
                    .anyMatch(c -> c.all().contains(text)));
    return slack.thread(CHANNEL, correlationId).stream()
        .filter(c -> c.all().contains(text))
        .findFirst()
        .orElseThrow();
  }

  /** Every message the model was sent, in order, as one text. */
  private static String messagesOf(com.fasterxml.jackson.databind.JsonNode request) {
    return request.path("messages").toString();
  }

  /** Which of the conversation's phrases the model's messages hold, in the order they hold them. */
  private static List<String> order(String messages) {
    List<String> phrases =
        List.of(
            "how is checkout in shop?",
            "3 ready replicas",
            "is it healthy now?",
            "all 3 are ready",
            "and now?");
    return phrases.stream()
        .filter(messages::contains)
        .sorted(java.util.Comparator.comparingInt(messages::indexOf))
        .toList();
  }

  private static String correlationIdOf(FakeSlack.Call message) throws Exception {
    return JSON.readTree(message.param("metadata"))
        .path("event_payload")
        .path("correlation_id")
        .asText();
  }
}
