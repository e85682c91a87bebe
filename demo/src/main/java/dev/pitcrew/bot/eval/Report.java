package dev.pitcrew.bot.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The eval's results: per incident pass@1 (the share of runs that passed), pass^K (every one of K
 * runs passed), safety-gate failures, tokens and latency; and the totals. As a table for people,
 * JSON for machines, Markdown for a README or a pull request.
 */
public final class Report {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The runs of one incident. */
  public record IncidentResult(String incident, List<Scoring.Score> scores, List<RunRecord> runs) {
    public IncidentResult {
      scores = List.copyOf(scores);
      runs = List.copyOf(runs);
    }

    public int passed() {
      return (int) scores.stream().filter(Scoring.Score::passed).count();
    }

    public double passAt1() {
      return scores.isEmpty() ? 0 : (double) passed() / scores.size();
    }

    public boolean passHatK() {
      return !scores.isEmpty() && passed() == scores.size();
    }

    public int gateFailures() {
      return (int) scores.stream().filter(s -> !s.gate()).count();
    }

    public long meanTokens() {
      return Math.round(runs.stream().mapToLong(RunRecord::tokens).average().orElse(0));
    }

    public long medianLatencyMs() {
      return median(runs.stream().map(r -> r.latency().toMillis()).toList());
    }

    /** Each distinct reason a run missed, in order of first appearance. */
    public List<String> misses() {
      Set<String> all = new LinkedHashSet<>();
      scores.forEach(s -> all.addAll(s.misses()));
      return List.copyOf(all);
    }
  }

  /** A baseline's one run of each incident, scored as the model's runs are. */
  public record BaselineResult(String name, List<Scoring.Score> scores) {
    public BaselineResult {
      scores = List.copyOf(scores);
    }

    public double passed() {
      return scores.isEmpty()
          ? 0
          : (double) scores.stream().filter(Scoring.Score::passed).count() / scores.size();
    }
  }

  private final String model;
  private final int runsEach;
  private final List<IncidentResult> results;
  private final List<BaselineResult> baselines;

  public Report(
      String model, int runsEach, List<IncidentResult> results, List<BaselineResult> baselines) {
    this.model = model;
    this.runsEach = runsEach;
    this.results = List.copyOf(results);
    this.baselines = List.copyOf(baselines);
  }

  public List<BaselineResult> baselines() {
    return baselines;
  }

  /** The model's pass@1 minus the best baseline's, in percentage points. */
  public long margin() {
    double best = baselines.stream().mapToDouble(BaselineResult::passed).max().orElse(0);
    return Math.round((passAt1() - best) * 100);
  }

  private String baselineLines(String prefix) {
    StringBuilder out = new StringBuilder();
    for (BaselineResult b : baselines) {
      out.append(prefix)
          .append("baseline '")
          .append(b.name())
          .append("': ")
          .append(percent(b.passed()))
          .append('\n');
    }
    if (!baselines.isEmpty()) {
      out.append(prefix)
          .append("margin over the best baseline: ")
          .append(margin() >= 0 ? "+" : "")
          .append(margin())
          .append(" points\n");
    }
    return out.toString();
  }

  public List<IncidentResult> results() {
    return results;
  }

  /** The share of all runs that passed. */
  public double passAt1() {
    long runs = results.stream().mapToLong(r -> r.scores().size()).sum();
    long passed = results.stream().mapToLong(IncidentResult::passed).sum();
    return runs == 0 ? 0 : (double) passed / runs;
  }

  /** How many incidents passed all their runs. */
  public int passHatK() {
    return (int) results.stream().filter(IncidentResult::passHatK).count();
  }

  public int gateFailures() {
    return results.stream().mapToInt(IncidentResult::gateFailures).sum();
  }

  public String table() {
    StringBuilder out = new StringBuilder();
    String header =
        String.format(
            Locale.ROOT,
            "%-26s %-12s %-7s %-14s %8s %9s%n",
            "incident",
            "pass@1",
            "pass^" + runsEach,
            "safety gate",
            "tokens",
            "latency");
    out.append("Model ").append(model).append(", ").append(runsEach).append(" run(s) each\n");
    out.append(header);
    for (IncidentResult r : results) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-26s %-12s %-7s %-14s %8d %9s%n",
              r.incident(),
              r.passed() + "/" + r.scores().size() + " " + percent(r.passAt1()),
              r.passHatK() ? "yes" : "no",
              r.gateFailures() == 0 ? "ok" : r.gateFailures() + " failed",
              r.meanTokens(),
              seconds(r.medianLatencyMs())));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%-26s %-12s %-7s %-14s%n",
            "total",
            percent(passAt1()),
            passHatK() + "/" + results.size(),
            gateFailures() == 0 ? "ok" : gateFailures() + " failed"));
    out.append(baselineLines(""));
    for (IncidentResult r : results) {
      for (String miss : r.misses()) {
        out.append("  ").append(r.incident()).append(": ").append(miss).append('\n');
      }
    }
    return out.toString();
  }

  public String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("Model `")
        .append(model)
        .append("`, ")
        .append(runsEach)
        .append(" run(s) per incident.\n\n");
    out.append("| incident | pass@1 | pass^")
        .append(runsEach)
        .append(" | safety gate | tokens (mean) | latency (median) |\n");
    out.append("|---|---|---|---|---|---|\n");
    for (IncidentResult r : results) {
      out.append("| ")
          .append(r.incident())
          .append(" | ")
          .append(r.passed())
          .append('/')
          .append(r.scores().size())
          .append(' ')
          .append(percent(r.passAt1()))
          .append(" | ")
          .append(r.passHatK() ? "yes" : "no")
          .append(" | ")
          .append(r.gateFailures() == 0 ? "ok" : r.gateFailures() + " failed")
          .append(" | ")
          .append(r.meanTokens())
          .append(" | ")
          .append(seconds(r.medianLatencyMs()))
          .append(" |\n");
    }
    out.append("| **total** | ")
        .append(percent(passAt1()))
        .append(" | ")
        .append(passHatK())
        .append('/')
        .append(results.size())
        .append(" | ")
        .append(gateFailures() == 0 ? "ok" : gateFailures() + " failed")
        .append(" | | |\n");
    out.append('\n').append(baselineLines("- "));
    return out.toString();
  }

  public String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model).put("runs", runsEach);
    ArrayNode incidents = root.putArray("incidents");
    for (IncidentResult r : results) {
      ObjectNode node =
          incidents
              .addObject()
              .put("name", r.incident())
              .put("runs", r.scores().size())
              .put("passed", r.passed())
              .put("pass_at_1", r.passAt1())
              .put("pass_hat_k", r.passHatK())
              .put("gate_failures", r.gateFailures())
              .put("tokens_mean", r.meanTokens())
              .put("latency_median_ms", r.medianLatencyMs());
      ArrayNode misses = node.putArray("misses");
      r.misses().forEach(misses::add);
    }
    root.putObject("totals")
        .put("pass_at_1", passAt1())
        .put("pass_hat_k", passHatK())
        .put("incidents", results.size())
        .put("gate_failures", gateFailures())
        .put("margin_points", margin());
    ArrayNode base = root.putArray("baselines");
    for (BaselineResult b : baselines) {
      base.addObject()
          .put("name", b.name())
          .put("pass_at_1", b.passed())
          .put("incidents", b.scores().size());
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String percent(double share) {
    return Math.round(share * 100) + "%";
  }

  private static String seconds(long ms) {
    return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  private static long median(List<Long> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(Long::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
