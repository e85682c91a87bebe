package dev.pitcrew.bot.metrics;

import dev.pitcrew.bot.audit.AuditEvent;
import dev.pitcrew.bot.audit.AuditSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;

/**
 * Pitcrew's Prometheus metrics, in the spirit of vLLM's tool-calling metrics: asks, LLM requests
 * and latency, tokens, tool calls by runbook and outcome with latency, argument errors,
 * tool_choice, iterations per ask, approvals, limits hit, and every audit event by type.
 */
public final class Metrics {
  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;

  private Metrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
  }

  /** Metrics exposed in the Prometheus text format by {@link #scrape()}. */
  public static Metrics prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new Metrics(registry, registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The text for {@code GET /metrics}. */
  public String scrape() {
    return prometheus.scrape();
  }

  public void ask(String kind) {
    Counter.builder("pitcrew.asks")
        .description("Requests received")
        .tag("kind", kind)
        .register(registry)
        .increment();
  }

  public void llmRequest(String outcome, Duration latency) {
    Timer.builder("pitcrew.llm.request")
        .description("Chat-completion requests to the model endpoint")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(registry)
        .record(latency);
  }

  public void tokens(long in, long out) {
    Counter.builder("pitcrew.llm.tokens").tag("direction", "in").register(registry).increment(in);
    Counter.builder("pitcrew.llm.tokens").tag("direction", "out").register(registry).increment(out);
  }

  public void toolChoice(String choice) {
    Counter.builder("pitcrew.llm.tool.choice").tag("choice", choice).register(registry).increment();
  }

  /** {@code runbook} must be a loaded runbook's name or "unknown": model text is not a tag. */
  public void toolCall(String runbook, String outcome, Duration latency) {
    Timer.builder("pitcrew.tool.call")
        .description("Tool calls by runbook and outcome")
        .tag("runbook", runbook)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(registry)
        .record(latency);
  }

  public void argumentError(String reason) {
    Counter.builder("pitcrew.tool.argument.errors")
        .description("Tool calls the model got wrong: unknown tool, bad JSON, schema, missing ID")
        .tag("reason", reason.toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  public void iterations(int count) {
    DistributionSummary.builder("pitcrew.agent.iterations")
        .description("Model round trips per question")
        .register(registry)
        .record(count);
  }

  public void limitHit(String limit) {
    Counter.builder("pitcrew.agent.limit.hits").tag("limit", limit).register(registry).increment();
  }

  public void approvalRequested(String runbook) {
    Counter.builder("pitcrew.approvals.requested")
        .tag("runbook", runbook)
        .register(registry)
        .increment();
  }

  /** Counts every audit event by type. */
  public AuditSink auditSink() {
    return new AuditSink() {
      @Override
      public void record(AuditEvent event) {
        Counter.builder("pitcrew.audit.events")
            .tag("type", event.type().name().toLowerCase(Locale.ROOT))
            .register(registry)
            .increment();
      }

      @Override
      public String toString() {
        return "MetricsAuditSink";
      }
    };
  }

  /** The audit channel's queue: what waits, and what was lost (logged, never silent). */
  public void auditFeed(dev.pitcrew.bot.audit.AsyncAuditSink feed) {
    io.micrometer.core.instrument.Gauge.builder(
            "pitcrew.audit.feed.backlog", feed, dev.pitcrew.bot.audit.AsyncAuditSink::backlog)
        .description("Audit events waiting to be posted to the audit channel")
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "pitcrew.audit.feed.dropped", feed, dev.pitcrew.bot.audit.AsyncAuditSink::dropped)
        .description("Audit events not queued for the audit channel (queue full); logged")
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "pitcrew.audit.feed.failed", feed, dev.pitcrew.bot.audit.AsyncAuditSink::failed)
        .description("Audit events the audit channel did not take after retries; logged")
        .register(registry);
  }

  /** A payload from another workspace or app, refused. */
  /** Values masked in cluster text, by kind (password, jwt...): how often, never what. */
  public void masked(String kind, int count) {
    Counter.builder("pitcrew.masked.values")
        .description("Values masked in text from the cluster or the model, by kind")
        .tag("kind", kind)
        .register(registry)
        .increment(count);
  }

  /** A stored approval request that was not signed with the store key, or not readable. */
  public void storeRejected() {
    Counter.builder("pitcrew.store.rejected")
        .description("Stored approval requests skipped: unsigned, tampered with or unreadable")
        .register(registry)
        .increment();
  }

  public void foreignPayload(String kind) {
    Counter.builder("pitcrew.slack.foreign.payloads")
        .description("Slack payloads refused because they name another workspace or app")
        .tag("kind", kind)
        .register(registry)
        .increment();
  }

  /**
   * An alert webhook outcome: received, rejected (bad token or payload), ignored (an ignore rule),
   * busy (queue full, 503), deduplicated (a re-send or another replica's), investigated, limited,
   * resolved, resolved_without_thread.
   */
  public void alert(String outcome) {
    Counter.builder("pitcrew.alerts")
        .description("Alertmanager notifications, by what became of them")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }
}
