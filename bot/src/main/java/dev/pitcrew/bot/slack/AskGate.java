package dev.pitcrew.bot.slack;

import dev.pitcrew.approvals.AccessPolicy;
import dev.pitcrew.approvals.GroupDirectory;
import dev.pitcrew.bot.audit.Audit;
import dev.pitcrew.bot.audit.AuditEvent;
import java.util.Optional;

/**
 * Who may ask where ({@code ask:} in the policy file): checked for {@code /ask}, for mentions and
 * for an Undo click (which opens a proposal in the clicker's name). Refusals are audited.
 */
public final class AskGate {
  private final AccessPolicy access;
  private final GroupDirectory groups;
  private final Audit audit;

  public AskGate(AccessPolicy access, GroupDirectory groups, Audit audit) {
    this.access = access;
    this.groups = groups;
    this.audit = audit;
  }

  /** Why nobody may ask in {@code channel}: a local check, answered in the acknowledgement. */
  Optional<String> channelRefusal(String channel) {
    return access.channelRefusal(channel);
  }

  /**
   * Why {@code user} may not ask in {@code channel}, or empty if they may (audited). It may read
   * group membership from Slack, so it runs on the worker, never before the acknowledgement.
   */
  public Optional<String> refusal(String channel, String user, String correlationId) {
    Optional<String> refusal = access.refusal(channel, user, groups);
    refusal.ifPresent(
        r -> audit.record(AuditEvent.Type.ASK_REFUSED, correlationId, user, r, channel, null));
    return refusal;
  }

  /** The words a refused person sees. */
  static String sorry(String reason, String correlationId) {
    return "Sorry: " + reason + ". Correlation ID `" + correlationId + "`.";
  }
}
