package dev.pitcrew.bot.audit;

import dev.pitcrew.bot.concurrent.LogContext;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one audit stream. Every event goes to the structured log and to each sink; a failing sink
 * never stops the others or the request.
 */
public final class Audit {
  private static final Logger log = LoggerFactory.getLogger("pitcrew.audit");

  private final Clock clock;
  private final List<AuditSink> sinks;

  public Audit(Clock clock, List<AuditSink> sinks) {
    this.clock = clock;
    this.sinks = List.copyOf(sinks);
  }

  public void record(
      AuditEvent.Type type,
      String correlationId,
      String actor,
      String summary,
      String channel,
      String thread) {
    AuditEvent event =
        new AuditEvent(clock.instant(), type, correlationId, actor, summary, channel, thread);
    try (var ignored = LogContext.correlation(correlationId);
        var eventType = LogContext.with("audit_event", type.name());
        var who = LogContext.with("actor", actor)) {
      log.info("{}: {}", type.label(), summary);
    }
    for (AuditSink sink : sinks) {
      try {
        sink.record(event);
      } catch (RuntimeException e) {
        log.warn("audit sink {} failed for {}: {}", sink, correlationId, e.toString());
      }
    }
  }
}
