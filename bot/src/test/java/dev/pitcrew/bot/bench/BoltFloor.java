package dev.pitcrew.bot.bench;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import com.sun.net.httpserver.HttpServer;
import dev.pitcrew.bot.concurrent.Threads;
import dev.pitcrew.bot.core.Ask;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The framework's floor for the benchmarks: a bare Bolt for Java app behind the same JDK HTTP
 * server and Bolt request parser Pitcrew uses, with Bolt's own signature check on. Its {@code /ask}
 * acknowledges at once and, on 8 workers like Pitcrew's, posts the thread's root, reads the
 * Deployment {@code shop/cart} once (unless it has no cluster), and posts the answer in the thread:
 * the least any ChatOps bot answering from the cluster does. No policy, audit, approvals or model.
 */
public final class BoltFloor implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService http;
  private final ExecutorService workers;

  private BoltFloor(HttpServer server, ExecutorService http, ExecutorService workers) {
    this.server = server;
    this.http = http;
    this.workers = workers;
  }

  public static BoltFloor start(String slackApiUrl, String secret, KubernetesClient cluster)
      throws Exception {
    return start(slackApiUrl, secret, cluster, 0);
  }

  /**
   * The floor as a process of its own, for start-up and memory: {@code SLACK_API_URL}, {@code
   * SLACK_SIGNING_SECRET} and {@code PORT} from the environment, the cluster from Fabric8's usual
   * configuration.
   */
  public static void main(String[] args) throws Exception {
    BoltFloor floor =
        start(
            System.getenv("SLACK_API_URL"),
            System.getenv("SLACK_SIGNING_SECRET"),
            new io.fabric8.kubernetes.client.KubernetesClientBuilder().build(),
            Integer.parseInt(System.getenv("PORT")));
    Runtime.getRuntime().addShutdownHook(new Thread(floor::close));
    Thread.currentThread().join();
  }

  static BoltFloor start(String slackApiUrl, String secret, KubernetesClient cluster, int port)
      throws Exception {
    SlackConfig slackConfig = new SlackConfig();
    slackConfig.setMethodsEndpointUrlPrefix(slackApiUrl);
    Slack slack = Slack.getInstance(slackConfig);
    AppConfig config =
        AppConfig.builder()
            .slack(slack)
            .singleTeamBotToken("xoxb-floor")
            .signingSecret(secret)
            .build();
    App app = new App(config);
    ExecutorService workers =
        new ThreadPoolExecutor(
            8,
            8,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(200),
            Threads.daemon("floor-worker"),
            new ThreadPoolExecutor.AbortPolicy());
    app.command(
        "/ask",
        (req, ctx) -> {
          String correlationId = Ask.newCorrelationId();
          String channel = req.getPayload().getChannelId();
          String text = req.getPayload().getText();
          try {
            workers.execute(
                () -> {
                  try {
                    var root =
                        ctx.client()
                            .chatPostMessage(
                                r ->
                                    r.channel(channel)
                                        .text("asked: " + text + " " + correlationId));
                    String answer;
                    if (cluster == null) {
                      answer = "help text"; // the acknowledgement benchmark asks for help
                    } else {
                      Deployment d =
                          cluster.apps().deployments().inNamespace("shop").withName("cart").get();
                      answer = "cart has " + d.getSpec().getReplicas() + " replicas";
                    }
                    ctx.client()
                        .chatPostMessage(
                            r ->
                                r.channel(channel)
                                    .threadTs(root.getTs())
                                    .text(answer + " " + correlationId));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
          } catch (RejectedExecutionException e) {
            return ctx.ack("busy");
          }
          return ctx.ack("Working on it. Correlation ID `" + correlationId + "`.");
        });
    app.start();
    SlackRequestParser parser = new SlackRequestParser(config);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
    ExecutorService http =
        new ThreadPoolExecutor(
            4,
            4,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(256),
            Threads.daemon("floor-http"));
    server.createContext(
        "/slack/events",
        exchange -> {
          try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
              body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, java.util.List<String>> headers = new java.util.HashMap<>();
            exchange
                .getRequestHeaders()
                .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
            var request =
                parser.parse(
                    SlackRequestParser.HttpRequest.builder()
                        .requestUri("/slack/events")
                        .queryString(Map.of())
                        .headers(new RequestHeaders(headers))
                        .requestBody(body)
                        .build());
            Response response = app.run(request);
            byte[] out =
                response.getBody() == null
                    ? new byte[0]
                    : response.getBody().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.getContentType());
            exchange.sendResponseHeaders(
                response.getStatusCode(), out.length == 0 ? -1 : out.length);
            try (OutputStream os = exchange.getResponseBody()) {
              os.write(out);
            }
          } catch (Exception e) {
            throw new IOException(e);
          }
        });
    server.setExecutor(http);
    server.start();
    return new BoltFloor(server, http, workers);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    http.shutdownNow();
    workers.shutdownNow();
  }
}
