package dev.pitcrew.bot;

import dev.pitcrew.bot.agent.AgentBenchmark;
import dev.pitcrew.bot.bench.BoltFloor;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.testing.FakeSlack;
import dev.pitcrew.bot.testing.FakeSlackSocket;
import dev.pitcrew.bot.testing.SignedSlack;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.java_websocket.WebSocket;

/**
 * The acknowledgement benchmark the project ships (not a test): how long Slack waits for Pitcrew to
 * acknowledge {@code /ask}, over HTTP ({@code POST /slack/events}, signed) and over Socket Mode
 * (envelope out, ack back on the socket), side by side in one run with a bare Bolt app over the
 * same HTTP server ({@link BoltFloor}, the framework's floor), at 1 and at 50 envelopes in flight.
 * Everything is on loopback: the fake Web API answers at once, and the ask is {@code help}, so the
 * worker's own Slack calls stay small. Reports medians and p99.
 *
 * <pre>
 * mvn -B -q install -DskipTests && mvn -B -q -pl bot exec:java@ack-benchmark
 * </pre>
 */
public final class AckBenchmark {
  static final String SECRET = "benchmark-secret";
  static final int SEQUENTIAL = 400;
  static final int BURSTS = 20;
  static final int BURST = 50;

  private AckBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    KubernetesClient offline =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:9").build())
            .build();
    try (FakeSlack slack = new FakeSlack();
        FakeSlackSocket socket = new FakeSlackSocket()) {
      slack.socketUrl(socket.url());
      Pitcrew http = start(slack, offline, false);
      Pitcrew socketMode = start(slack, offline, true);
      BoltFloor floor = BoltFloor.start(slack.apiUrl(), SECRET, null);
      try {
        socket.awaitConnection(Duration.ofSeconds(10));
        SignedSlack signed = new SignedSlack(http.port(), SECRET, Clock.systemUTC());
        SignedSlack floorSigned = new SignedSlack(floor.port(), SECRET, Clock.systemUTC());
        HttpClient client = HttpClient.newHttpClient();
        System.out.printf(
            Locale.ROOT,
            "Ack benchmark: /ask acknowledged, %d sequential asks, then %d bursts of %d at once%n",
            SEQUENTIAL,
            BURSTS,
            BURST);
        // Warm both paths up before measuring either.
        httpAcks(signed, client, 1, 200);
        httpAcks(floorSigned, client, 1, 200);
        socketAcks(socket, 1, 200);
        report("floor  1 in flight", httpAcks(floorSigned, client, 1, SEQUENTIAL));
        report("HTTP   1 in flight", httpAcks(signed, client, 1, SEQUENTIAL));
        report("Socket 1 in flight", socketAcks(socket, 1, SEQUENTIAL));
        report("floor  50 in flight", httpAcks(floorSigned, client, BURST, BURSTS * BURST));
        report("HTTP   50 in flight", httpAcks(signed, client, BURST, BURSTS * BURST));
        report("Socket 50 in flight", socketAcks(socket, BURST, BURSTS * BURST));
      } finally {
        http.close();
        socketMode.close();
        floor.close();
      }
    } finally {
      offline.close();
    }
  }

  private static Pitcrew start(FakeSlack slack, KubernetesClient cluster, boolean socketMode)
      throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("SLACK_BOT_TOKEN", "xoxb-benchmark");
    env.put(
        socketMode ? "SLACK_APP_TOKEN" : "SLACK_SIGNING_SECRET", socketMode ? "xapp-1" : SECRET);
    env.put("SLACK_API_URL", slack.apiUrl());
    env.put("PORT", "0");
    return Pitcrew.builder(Config.fromEnv(env), cluster).bindAddress("127.0.0.1").start();
  }

  /** Milliseconds from sending each signed POST to its HTTP response, {@code inFlight} at once. */
  private static List<Double> httpAcks(
      SignedSlack signed, HttpClient client, int inFlight, int total) throws Exception {
    List<Double> times = new ArrayList<>();
    for (int sent = 0; sent < total; sent += inFlight) {
      List<CompletableFuture<Double>> burst = new ArrayList<>();
      for (int i = 0; i < inFlight; i++) {
        String body = SignedSlack.slashCommandBody("UBENCH", "CBENCH", "help");
        HttpRequest request = signed.signed(body);
        long start = System.nanoTime();
        burst.add(
            client
                .sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(
                    r -> {
                      if (r.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                      }
                      return (System.nanoTime() - start) / 1e6;
                    }));
      }
      for (CompletableFuture<Double> f : burst) {
        times.add(f.get());
      }
    }
    return times;
  }

  /** Milliseconds from sending each envelope to its ack on the socket, {@code inFlight} at once. */
  private static List<Double> socketAcks(FakeSlackSocket socket, int inFlight, int total)
      throws InterruptedException {
    List<Double> times = new ArrayList<>();
    WebSocket connection = socket.latest();
    for (int sent = 0; sent < total; sent += inFlight) {
      Map<String, Long> started = new HashMap<>();
      for (int i = 0; i < inFlight; i++) {
        long start = System.nanoTime();
        started.put(
            socket.send(
                connection,
                "slash_commands",
                SignedSlack.slashCommandPayload("UBENCH", "CBENCH", "help")),
            start);
      }
      for (Map.Entry<String, Long> e : started.entrySet()) {
        long acked = socket.awaitAckNanos(e.getKey(), Duration.ofSeconds(10));
        times.add((acked - e.getValue()) / 1e6);
      }
    }
    return times;
  }

  private static void report(String what, List<Double> times) {
    System.out.printf(
        Locale.ROOT,
        "  %-20s median %6.2f ms   p99 %6.2f ms   (%d acks)%n",
        what,
        AgentBenchmark.median(times),
        AgentBenchmark.percentile(times, 0.99),
        times.size());
  }
}
