package dev.pitcrew.bot.bench;

import dev.pitcrew.bot.Pitcrew;
import dev.pitcrew.bot.agent.AgentBenchmark;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.demo.DemoCluster;
import dev.pitcrew.bot.testing.FakeSlack;
import dev.pitcrew.bot.testing.SignedSlack;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The alert-storm benchmark the project ships (not a test): Alertmanager payloads at 200/s (50
 * groups, each re-sent over and over, as Alertmanager does for a storm) for 60 s to a Pitcrew with
 * no model (each new group opens a thread and runs its evidence), while {@code /ask} explicit
 * commands arrive at 25/s (50 audit events a second); then the same {@code /ask} load alone.
 * Reports the webhook's answer p50/p99, threads opened per group, the asks' acknowledgement p50/p99
 * with and without the storm, the audit feed's dropped events, and the JVM's CPU time per webhook.
 * Slack answers every Web API call after 100 ms; the cluster is the embedded demo's. Everything
 * runs in this one JVM, the senders and the fakes included, so CPU per webhook is an upper bound.
 *
 * <pre>
 * mvn -B -q install -DskipTests && mvn -B -q -pl demo exec:java@alert-storm-benchmark [-Dexec.args="SECONDS ASKS_PER_S"]
 * </pre>
 */
public final class AlertStormBenchmark {
  private static final String SECRET = "benchmark-secret";
  private static final String TOKEN = "benchmark-alert-token-0123456789";
  private static final int GROUPS = 50;

  private AlertStormBenchmark() {}

  public static void main(String[] args) throws Exception {
    // As Pitcrew's HTTP front end sets it in its own process; here the fakes start the JDK's HTTP
    // server first, and its configuration is read once.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    // 25 asks a second make 50 audit events a second (asked, tool called) besides the alerts'.
    int asksPerSecond = args.length > 1 ? Integer.parseInt(args[1]) : 25;
    String template;
    try (InputStream in = AlertStormBenchmark.class.getResourceAsStream("/alerts/firing.json")) {
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> payloads = new ArrayList<>();
    String[] deployments = {"checkout", "cart", "payments"};
    for (int g = 0; g < GROUPS; g++) {
      payloads.add(
          template
              .replace(
                  "namespace=\\\"shop\\\"}", "namespace=\\\"shop\\\", storm=\\\"" + g + "\\\"}")
              .replace(
                  "\"deployment\": \"checkout\"",
                  "\"deployment\": \"" + deployments[g % 3] + "\""));
    }
    try (FakeSlack slack = new FakeSlack(Duration.ofMillis(100));
        DemoCluster demo = DemoCluster.start(Clock.systemUTC())) {
      Map<String, String> env = new HashMap<>();
      env.put("SLACK_BOT_TOKEN", "xoxb-benchmark");
      env.put("SLACK_SIGNING_SECRET", SECRET);
      env.put("SLACK_API_URL", slack.apiUrl());
      env.put("PITCREW_AUDIT_CHANNEL", "CAUDIT");
      env.put("PITCREW_ALERT_TOKEN", TOKEN);
      env.put("PITCREW_ALERT_CHANNEL", "C0ALERTS");
      env.put("PORT", "0");
      try (Pitcrew pitcrew =
          Pitcrew.builder(Config.fromEnv(env), demo.client()).bindAddress("127.0.0.1").start()) {
        HttpClient http = HttpClient.newHttpClient();
        SignedSlack signed = new SignedSlack(pitcrew.port(), SECRET, Clock.systemUTC());
        URI alerts = URI.create("http://127.0.0.1:" + pitcrew.port() + "/alerts/alertmanager");
        System.out.printf(
            Locale.ROOT,
            "Alert-storm benchmark: %d groups at 200 webhooks/s for %d s, /ask at %d/s; Slack"
                + " answers after 100 ms%n",
            GROUPS,
            seconds,
            asksPerSecond);
        asks(http, signed, 10, 3); // warm-up

        List<Double> webhook = new CopyOnWriteArrayList<>();
        AtomicInteger notOk = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        var bean =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = bean.getProcessCpuTime();
        Thread storm =
            new Thread(
                () -> {
                  try {
                    OpenLoop.run(
                        http,
                        200,
                        200 * seconds,
                        () ->
                            HttpRequest.newBuilder(alerts)
                                .header("Authorization", "Bearer " + TOKEN)
                                .header("Content-Type", "application/json")
                                .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                        payloads.get(next.getAndIncrement() % GROUPS)))
                                .build(),
                        a -> {
                          if (a.ok()) {
                            webhook.add(a.millis());
                          } else {
                            notOk.incrementAndGet();
                          }
                        },
                        Duration.ofSeconds(30));
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
        storm.start();
        List<Double> duringStorm = asks(http, signed, asksPerSecond, seconds);
        storm.join();
        long cpu = bean.getProcessCpuTime() - cpuBefore;
        List<Double> alone = asks(http, signed, asksPerSecond, seconds / 3);

        long threads =
            slack.calls("chat.postMessage").stream()
                .filter(
                    c -> "C0ALERTS".equals(c.param("channel")) && c.param("thread_ts").isEmpty())
                .count();
        String metrics =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + pitcrew.port() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        System.out.printf(
            Locale.ROOT,
            "  webhook answer: median %.1f ms, p99 %.1f ms (%d answered 200, %d not)%n"
                + "  threads opened: %d for %d groups%n"
                + "  /ask ack during the storm: median %.1f ms, p99 %.1f ms; alone: median %.1f"
                + " ms, p99 %.1f ms%n"
                + "  CPU: %.2f ms per webhook (this whole JVM)%n"
                + "  audit feed: %s dropped, %s failed%n",
            AgentBenchmark.median(webhook),
            AgentBenchmark.percentile(webhook, 0.99),
            webhook.size(),
            notOk.get(),
            threads,
            GROUPS,
            AgentBenchmark.median(duringStorm),
            AgentBenchmark.percentile(duringStorm, 0.99),
            AgentBenchmark.median(alone),
            AgentBenchmark.percentile(alone, 0.99),
            cpu / 1e6 / Math.max(1, webhook.size() + notOk.get()),
            metric(metrics, "pitcrew_audit_feed_dropped"),
            metric(metrics, "pitcrew_audit_feed_failed"));
      }
    }
  }

  /** {@code rate} explicit asks a second for {@code seconds}: their acknowledgement times. */
  private static List<Double> asks(HttpClient http, SignedSlack signed, int rate, int seconds)
      throws InterruptedException {
    List<Double> acks = new CopyOnWriteArrayList<>();
    OpenLoop.run(
        http,
        rate,
        rate * seconds,
        () ->
            signed.signed(
                SignedSlack.slashCommandBody(
                    "UBENCH", "CBENCH", "run deployment_status namespace=shop name=cart")),
        a -> {
          if (a.ok()) {
            acks.add(a.millis());
          }
        },
        Duration.ofSeconds(30));
    return acks;
  }

  private static String metric(String metrics, String name) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(name))
        .map(l -> l.substring(l.lastIndexOf(' ') + 1))
        .findFirst()
        .orElse("?");
  }
}
