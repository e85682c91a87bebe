package dev.pitcrew.bot.audit;

/** Somewhere audit events go. */
@FunctionalInterface
public interface AuditSink {
  void record(AuditEvent event);

  /**
   * Several events at once, in order; a sink with a rate limit (a Slack channel) sends them as one
   * message. By default, one by one.
   */
  default void recordAll(java.util.List<AuditEvent> events) {
    events.forEach(this::record);
  }

  /**
   * About how many characters {@code event} takes in a batch: a batching feed fills each message up
   * to what the destination takes. By default a line's worst case.
   */
  default int size(AuditEvent event) {
    return 1_200;
  }
}
