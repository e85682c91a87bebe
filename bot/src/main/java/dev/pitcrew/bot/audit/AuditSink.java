package dev.pitcrew.bot.audit;

/** Somewhere audit events go. */
@FunctionalInterface
public interface AuditSink {
  void record(AuditEvent event);
}
