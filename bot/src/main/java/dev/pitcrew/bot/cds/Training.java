package dev.pitcrew.bot.cds;

import com.slack.api.app_backend.SlackSignature;
import com.sun.net.httpserver.HttpServer;
import dev.pitcrew.bot.Pitcrew;
import dev.pitcrew.bot.config.Config;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The training run behind {@code pitcrew.jar cds-train}: Pitcrew starts as it does in production
 * (HTTP mode, Fabric8, Bolt, runbooks, approvals, metrics), answers one signed {@code /ask} and
 * stops, all on loopback against a stand-in Kubernetes API ({@link TrainingCluster}) and a stand-in
 * Slack Web API. Run under {@code -XX:ArchiveClassesAtExit=FILE}, the JVM then writes a class-data
 * sharing archive of every class that start-up and a first answer load; later starts with {@code
 * -XX:SharedArchiveFile=FILE} map them instead of loading them. The archive only fits the JVM build
 * and class path that wrote it, which is why the chart makes it with the image's own JVM.
 */
public final class Training {
  private static final String SECRET = "cds-training-secret";

  private Training() {}

  /**
   * @return 0 once the answer came back, 1 if it did not within 30 s
   */
  public static int run(java.io.PrintStream err) throws IOException, InterruptedException {
    CountDownLatch answered = new CountDownLatch(1);
    HttpServer slack = slackStandIn(answered);
    try (TrainingCluster cluster = TrainingCluster.start()) {
      Map<String, String> env =
          Map.of(
              "SLACK_BOT_TOKEN", "xoxb-cds-training",
              "SLACK_SIGNING_SECRET", SECRET,
              "SLACK_API_URL", "http://127.0.0.1:" + slack.getAddress().getPort() + "/api/",
              "PORT", "0",
              "PITCREW_APPROVAL_STORE", "memory");
      Config config;
      try {
        config = Config.fromEnv(env);
      } catch (dev.pitcrew.bot.config.ConfigException e) {
        throw new IllegalStateException("the training settings are wrong: " + e.getMessage(), e);
      }
      try (Pitcrew pitcrew =
          Pitcrew.builder(config, cluster.client()).bindAddress("127.0.0.1").start()) {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + pitcrew.port();
        get(http, base + "/readyz");
        String timestamp = String.valueOf(Instant.now().getEpochSecond());
        String body = form("run deployment_status namespace=shop name=checkout");
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/slack/events"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", timestamp)
                .header(
                    "X-Slack-Signature",
                    new SlackSignature.Generator(SECRET).generate(timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.discarding());
        boolean done = answered.await(30, TimeUnit.SECONDS);
        get(http, base + "/metrics");
        if (!cluster.unanswered().isEmpty()) {
          // Not fatal (the archive still covers what ran), but the stand-in needs these added.
          err.println(
              "pitcrew: cds-train: the stand-in cluster answered 'not found' to "
                  + String.join(", ", cluster.unanswered()));
        }
        if (!done) {
          err.println(
              "pitcrew: cds-train: no answer within 30 s; the archive covers start-up only");
          return 1;
        }
        return 0;
      }
    } finally {
      slack.stop(0);
    }
  }

  private static void get(HttpClient http, String url) throws IOException, InterruptedException {
    http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  private static String form(String text) {
    return Stream.of(
            new String[][] {
              {"team_id", "T0TRAIN"},
              {"channel_id", "C0TRAIN"},
              {"user_id", "U0TRAIN"},
              {"command", "/ask"},
              {"text", text},
              {"api_app_id", "A0TRAIN"},
              {"response_url", "http://127.0.0.1:9/"},
              {"trigger_id", "1.2.3"}
            })
        .map(kv -> kv[0] + "=" + URLEncoder.encode(kv[1], StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** Answers every Web API method with success; the second chat.postMessage is the answer. */
  private static HttpServer slackStandIn(CountDownLatch answered) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    java.util.concurrent.atomic.AtomicInteger posts =
        new java.util.concurrent.atomic.AtomicInteger();
    server.createContext(
        "/api/",
        exchange -> {
          String method = exchange.getRequestURI().getPath().substring("/api/".length());
          exchange.getRequestBody().readAllBytes();
          if (method.equals("chat.postMessage") && posts.incrementAndGet() >= 2) {
            answered.countDown();
          }
          byte[] reply =
              ("{\"ok\":true,\"url\":\"https://cds-training.slack.com/\",\"team_id\":\"T0TRAIN\","
                      + "\"user_id\":\"U0BOT\",\"bot_id\":\"B0BOT\",\"channel\":\"C0TRAIN\","
                      + "\"ts\":\"1700000000.00010"
                      + posts.get()
                      + "\",\"bot\":{\"id\":\"B0BOT\",\"app_id\":\"A0TRAIN\"}}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, reply.length);
          exchange.getResponseBody().write(reply);
          exchange.close();
        });
    server.start();
    return server;
  }
}
