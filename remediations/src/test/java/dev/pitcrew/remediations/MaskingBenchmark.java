package dev.pitcrew.remediations;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long masking takes on the 16 KiB a tool may return: a realistic log with credentials in it,
 * and each adversarial input of {@link MaskingTest#adversarial()} (built to make a regex
 * backtrack). Linear rules keep every adversarial input within a small factor of the realistic one;
 * a backtracking rule would show as a factor of thousands, or not end. Medians of timed rounds
 * after a warm-up, in one process; run it three times and quote the median run.
 *
 * <pre>mvn -B -q install -DskipTests && mvn -B -q -pl remediations exec:java@masking-benchmark
 * </pre>
 */
public final class MaskingBenchmark {
  private static final int SIZE = 16 * 1024;
  private static final int WARMUP = 300;
  private static final int ROUNDS = 200;

  private MaskingBenchmark() {}

  public static void main(String[] args) {
    Masking masking = Masking.shipped();
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("realistic log", realisticLog());
    List<String> adversarial = MaskingTest.adversarial();
    for (int i = 0; i < adversarial.size(); i++) {
      inputs.put("adversarial " + (i + 1), adversarial.get(i));
    }
    Map<String, Double> medians = new LinkedHashMap<>();
    inputs.forEach((name, text) -> medians.put(name, medianMicros(masking, text)));
    double realistic = medians.get("realistic log");
    double worst = 0;
    String worstName = "";
    System.out.printf(Locale.ROOT, "masking %d characters, median of %d rounds:%n", SIZE, ROUNDS);
    for (var e : medians.entrySet()) {
      System.out.printf(
          Locale.ROOT,
          "  %-16s %9.1f us  (%.2fx the realistic log)%n",
          e.getKey(),
          e.getValue(),
          e.getValue() / realistic);
      if (e.getValue() > worst && !e.getKey().equals("realistic log")) {
        worst = e.getValue();
        worstName = e.getKey();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "  worst adversarial: %s, %.2fx the realistic log; realistic throughput %.1f MB/s%n",
        worstName,
        worst / realistic,
        SIZE / realistic);
  }

  private static double medianMicros(Masking masking, String text) {
    int sink = 0;
    for (int i = 0; i < WARMUP; i++) {
      sink += masking.mask(text).length();
    }
    double[] micros = new double[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      long start = System.nanoTime();
      sink += masking.mask(text).length();
      micros[i] = (System.nanoTime() - start) / 1_000.0;
    }
    if (sink == 42) {
      System.out.print(""); // keeps the JIT from dropping the work
    }
    Arrays.sort(micros);
    return micros[ROUNDS / 2];
  }

  /** Lines a crash-looping service logs, with a credential every tenth line or so. */
  static String realisticLog() {
    List<String> lines =
        List.of(
            "2026-11-21T09:58:01Z INFO  Starting checkout registry.example/checkout:v3",
            "2026-11-21T09:58:02Z INFO  Orders store postgres://checkout:S3cret@orders-db:5432/o",
            "2026-11-21T09:58:02Z INFO  GET /ready 200 1ms request=123e4567-e89b-12d3-a456-42661",
            "2026-11-21T09:58:02Z DEBUG token_count=5 tokenizer=cl100k model=small",
            "2026-11-21T09:58:03Z ERROR Configuration key PAYMENTS_TIMEOUT_MS is not a number: '30s'",
            "2026-11-21T09:58:03Z WARN  retry with DB_PASSWORD=hunter2 in 5s",
            "\tat shop.checkout.Config.paymentsTimeout(Config.java:41)",
            "2026-11-21T09:58:04Z INFO  upstream Authorization: Bearer abcdef0123456789abcdef",
            "2026-11-21T09:58:04Z INFO  build commit 3f786850e387550fdab836ed7e6dc881de23001b",
            "2026-11-21T09:58:05Z INFO  {\"level\":\"info\",\"msg\":\"connected\",\"pool\":20}");
    StringBuilder log = new StringBuilder();
    List<String> all = new ArrayList<>(lines);
    for (int i = 0; log.length() < SIZE; i++) {
      log.append(all.get(i % all.size())).append('\n');
    }
    return log.substring(0, SIZE);
  }
}
