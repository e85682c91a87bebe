package dev.pitcrew.bot.audit;

import java.time.Instant;

/**
 * One step of a request's life, for the audit channel, the JSON log and metrics.
 *
 * @param actor the Slack user (or local user) who caused it; the bot itself for executions
 * @param channel and {@code thread}: the conversation, so sinks can link to it
 */
public record AuditEvent(
    Instant at,
    Type type,
    String correlationId,
    String actor,
    String summary,
    String channel,
    String thread) {

  public enum Type {
    ASKED,
    ASK_REFUSED,
    TOOL_CALLED,
    TOOL_REJECTED,
    /** A call asked for more than its runbook allows; refused, and worth a look. */
    OVER_LIMITS,
    APPROVAL_REQUESTED,
    APPROVAL_REFUSED,
    APPROVAL_RECORDED,
    APPROVED,
    DENIED,
    EXPIRED,
    STALE,
    CANCELLED,
    UNKNOWN,
    EXECUTED,
    FAILED,
    VERIFIED,
    NOT_VERIFIED,
    ANSWERED,
    /** Events a full feed could not carry, counted in one line instead of lost unseen. */
    OMITTED;

    /** Lower case with spaces, for people. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }
}
