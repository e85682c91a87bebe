package dev.pitcrew.bot.agent;

import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.testing.RecordingHttpServer;
import dev.pitcrew.bot.testing.ScriptedOpenAi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The agent-loop benchmark the project ships (not a test): with the model and the cluster stubbed
 * at fixed latency, how long a turn of k independent read-only calls takes against a turn of one,
 * and what Pitcrew itself adds per question. Reports medians.
 *
 * <pre>
 * mvn -B -q install -DskipTests && mvn -B -q -pl bot exec:java@benchmark
 * </pre>
 */
public final class AgentBenchmark {
  static final Duration LLM_LATENCY = Duration.ofMillis(40);
  static final Duration TOOL_LATENCY = Duration.ofMillis(100);
  static final int ROUNDS = 30;
  static final int OVERHEAD_ROUNDS = 300;

  private AgentBenchmark() {}

  public static void main(String[] args) throws Exception {
    // The stubs are JDK HTTP servers: without this, Nagle and delayed ACKs add ~40 ms per request.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    System.out.printf(
        Locale.ROOT,
        "Agent benchmark: model stub %d ms per request, tool stub %d ms per call, %d rounds%n",
        LLM_LATENCY.toMillis(),
        TOOL_LATENCY.toMillis(),
        ROUNDS);
    double one = median(turn(1, false));
    double four = median(turn(4, false));
    double fourSequential = median(turn(4, true));
    System.out.printf(Locale.ROOT, "  1 read-only call in one turn:        median %7.1f ms%n", one);
    System.out.printf(
        Locale.ROOT,
        "  4 read-only calls in one turn:       median %7.1f ms  (%.2fx the single call; goal <= 1.20x)%n",
        four,
        four / one);
    System.out.printf(
        Locale.ROOT,
        "  4 read-only calls, one per turn:     median %7.1f ms  (%.2fx)%n",
        fourSequential,
        fourSequential / one);
    List<Double> overhead = overhead();
    System.out.printf(
        Locale.ROOT,
        "  Pitcrew's own time per question (stubs answer at once, 1 tool call, %d questions):%n",
        OVERHEAD_ROUNDS);
    System.out.printf(
        Locale.ROOT,
        "                                       median %7.2f ms, p90 %.2f ms  (goal: median < 5 ms)%n",
        median(overhead),
        percentile(overhead, 0.9));
  }

  /** Wall time of one question whose answer needs {@code k} read-only calls. */
  private static List<Double> turn(int k, boolean onePerTurn) throws Exception {
    List<Double> times = new ArrayList<>();
    HttpClient http = HttpClient.newHttpClient();
    try (ScriptedOpenAi llm = new ScriptedOpenAi(LLM_LATENCY);
        RecordingHttpServer cluster =
            new RecordingHttpServer(r -> new RecordingHttpServer.Answer(200, "{}"), TOOL_LATENCY);
        AgentHarness h = new AgentHarness(Agent.Limits.defaults(), llm)) {
      // Each probe makes one blocking HTTP call to a stub API server, as Fabric8 would.
      HttpRequest get = HttpRequest.newBuilder(URI.create(cluster.url() + "/api/v1/pods")).build();
      for (AgentHarness.Probe p : List.of(h.probe1, h.probe2, h.probe3, h.probe4)) {
        p.answer =
            a -> {
              try {
                return http.send(get, HttpResponse.BodyHandlers.ofString()).body();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
              }
            };
      }
      for (int round = -3; round < ROUNDS; round++) { // three rounds of warm-up
        script(llm, k, onePerTurn);
        long start = System.nanoTime();
        h.agent.answer(new Ask("pc-bench", "U", "C", "t" + round), "check");
        double ms = (System.nanoTime() - start) / 1e6;
        if (round >= 0) {
          times.add(ms);
        }
      }
    }
    return times;
  }

  /** Per-question time with stubs that answer at once: what Pitcrew and its SDK add. */
  private static List<Double> overhead() throws Exception {
    List<Double> times = new ArrayList<>();
    try (ScriptedOpenAi llm = new ScriptedOpenAi();
        AgentHarness h = new AgentHarness(Agent.Limits.defaults(), llm)) {
      for (int round = -50; round < OVERHEAD_ROUNDS; round++) {
        script(llm, 1, false);
        long start = System.nanoTime();
        h.agent.answer(new Ask("pc-bench", "U", "C", "o" + round), "check");
        double ms = (System.nanoTime() - start) / 1e6;
        if (round >= 0) {
          times.add(ms);
        }
      }
    }
    return times;
  }

  private static void script(ScriptedOpenAi llm, int k, boolean onePerTurn) {
    if (onePerTurn) {
      for (int i = 1; i <= k; i++) {
        llm.thenToolCalls("probe" + i, "{}");
      }
    } else {
      String[] calls = new String[2 * k];
      for (int i = 0; i < k; i++) {
        calls[2 * i] = "probe" + (i + 1);
        calls[2 * i + 1] = "{}";
      }
      llm.thenToolCalls(calls);
    }
    llm.thenAnswer("done");
  }

  public static double median(List<Double> values) {
    return percentile(values, 0.5);
  }

  public static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
  }
}
