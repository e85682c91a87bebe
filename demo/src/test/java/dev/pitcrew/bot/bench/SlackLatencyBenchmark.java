package dev.pitcrew.bot.bench;

import dev.pitcrew.bot.Pitcrew;
import dev.pitcrew.bot.agent.AgentBenchmark;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.demo.DemoCluster;
import dev.pitcrew.bot.testing.FakeSlack;
import dev.pitcrew.bot.testing.SignedSlack;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Slack-latency benchmark the project ships (not a test): explicit asks ({@code run
 * deployment_status namespace=shop name=cart}) sent at a fixed rate, open loop, to Pitcrew and to a
 * bare Bolt app doing the least such a bot does ({@link BoltFloor}), in one run, against a fake
 * Slack Web API that answers every call after 100 ms and the embedded demo cluster. An answer's
 * time runs from sending the signed request to the fake Slack receiving the answer in the thread.
 *
 * <pre>
 * mvn -B -q install -DskipTests && mvn -B -q -pl demo exec:java@slack-benchmark
 * mvn ... exec:java@slack-benchmark -Dexec.args="20:60 50:20"   (rate per second : seconds)
 * </pre>
 */
public final class SlackLatencyBenchmark {
  static final String SECRET = "benchmark-secret";
  static final String CHANNEL = "CBENCH";
  static final Duration SLACK_LATENCY = Duration.ofMillis(100);
  private static final Pattern CORRELATION_ID = Pattern.compile("pc-[0-9a-f]{12}");

  private SlackLatencyBenchmark() {}

  /** One load: {@code rate} asks per second for {@code seconds}. */
  record Load(int rate, int seconds) {
    static Load parse(String text) {
      String[] parts = text.split(":");
      return new Load(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }
  }

  public static void main(String[] args) throws Exception {
    List<Load> loads = new ArrayList<>();
    for (String arg : args.length == 0 ? new String[] {"20:60", "50:20"} : args) {
      loads.add(Load.parse(arg));
    }
    Map<String, Long> answeredAt = new ConcurrentHashMap<>();
    try (FakeSlack slack = new FakeSlack(SLACK_LATENCY);
        DemoCluster demo = DemoCluster.start(Clock.systemUTC())) {
      slack.onCall(
          c -> {
            if (c.method().equals("chat.postMessage")
                && c.param("channel").equals(CHANNEL)
                && !c.param("thread_ts").isEmpty()) {
              Matcher m = CORRELATION_ID.matcher(c.all());
              if (m.find()) {
                answeredAt.putIfAbsent(m.group(), System.nanoTime());
              }
            }
          });
      Map<String, String> env = new HashMap<>();
      env.put("SLACK_BOT_TOKEN", "xoxb-benchmark");
      env.put("SLACK_SIGNING_SECRET", SECRET);
      env.put("SLACK_API_URL", slack.apiUrl());
      env.put("PITCREW_AUDIT_CHANNEL", "CAUDIT");
      env.put("PORT", "0");
      try (Pitcrew pitcrew =
              Pitcrew.builder(Config.fromEnv(env), demo.client()).bindAddress("127.0.0.1").start();
          BoltFloor floor = BoltFloor.start(slack.apiUrl(), SECRET, demo.client())) {
        System.out.printf(
            Locale.ROOT,
            "Slack-latency benchmark: every Web API call answered after %d ms; explicit asks, open"
                + " loop%n",
            SLACK_LATENCY.toMillis());
        run("warm-up floor", floor.port(), new Load(10, 3), answeredAt, false);
        run("warm-up Pitcrew", pitcrew.port(), new Load(10, 3), answeredAt, false);
        for (Load load : loads) {
          run("floor  ", floor.port(), load, answeredAt, true);
          run("Pitcrew", pitcrew.port(), load, answeredAt, true);
        }
      }
    }
  }

  private static void run(
      String name, int port, Load load, Map<String, Long> answeredAt, boolean report)
      throws Exception {
    SignedSlack signed = new SignedSlack(port, SECRET, Clock.systemUTC());
    HttpClient client = HttpClient.newHttpClient();
    int total = load.rate() * load.seconds();
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    List<Double> acks = new CopyOnWriteArrayList<>();
    AtomicInteger busy = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    OpenLoop.run(
        client,
        load.rate(),
        total,
        () ->
            signed.signed(
                SignedSlack.slashCommandBody(
                    "UBENCH", CHANNEL, "run deployment_status namespace=shop name=cart")),
        a -> {
          if (!a.ok()) {
            failed.incrementAndGet();
            return;
          }
          acks.add(a.millis());
          Matcher m = CORRELATION_ID.matcher(a.response().body());
          if (a.response().body().contains("busy") || !m.find()) {
            busy.incrementAndGet();
          } else {
            sentAt.put(m.group(), a.sentNanos());
          }
        },
        Duration.ofSeconds(30));
    int outstandingAtEnd = outstanding(sentAt, answeredAt);
    long drainUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (outstanding(sentAt, answeredAt) > 0 && System.nanoTime() < drainUntil) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    List<Double> answers = new ArrayList<>();
    sentAt.forEach(
        (id, start) -> {
          Long end = answeredAt.get(id);
          if (end != null) {
            answers.add((end - start) / 1e6);
          }
        });
    if (!report) {
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "  %s %2d/s for %2d s: answer median %6.0f ms  p99 %6.0f ms | ack median %5.1f ms  p99"
            + " %6.1f ms | %d sent, %d busy, %d failed, %d unanswered; %d awaiting an answer when"
            + " sending stopped%n",
        name,
        load.rate(),
        load.seconds(),
        AgentBenchmark.median(answers),
        AgentBenchmark.percentile(answers, 0.99),
        AgentBenchmark.median(acks),
        AgentBenchmark.percentile(acks, 0.99),
        total,
        busy.get(),
        failed.get(),
        sentAt.size() - answers.size(),
        outstandingAtEnd);
  }

  private static int outstanding(Map<String, Long> sentAt, Map<String, Long> answeredAt) {
    int n = 0;
    for (String id : sentAt.keySet()) {
      if (!answeredAt.containsKey(id)) {
        n++;
      }
    }
    return n;
  }
}
