package dev.pitcrew.bot.core;

import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.Decision;
import dev.pitcrew.bot.audit.AuditEvent.Type;
import dev.pitcrew.bot.concurrent.LogContext;
import java.util.Locale;
import java.util.Optional;

/**
 * Approve and Deny clicks: authorized at click time by the state machine, answered to the one who
 * clicked, recorded, and handed to {@link Changes} when a click completes the approval.
 */
public final class Decisions {
  private final ApprovalView view;
  private final Changes changes;

  Decisions(ApprovalView view, Changes changes) {
    this.view = view;
    this.changes = changes;
  }

  /** Someone clicked Approve. Runs the change if, and only if, this click completed it. */
  public void approve(String approvalId, String user, String channel) {
    Decision decision = view.approvals.approve(approvalId, user);
    withCorrelation(decision, () -> onDecision(decision, user, channel));
  }

  /** Someone clicked Deny. */
  public void deny(String approvalId, String user, String channel) {
    Decision decision = view.approvals.deny(approvalId, user);
    withCorrelation(decision, () -> onDecision(decision, user, channel));
  }

  private void onDecision(Decision decision, String user, String channel) {
    if (decision instanceof Decision.Approved a) {
      changes.run(a.request(), user, channel);
    } else if (decision instanceof Decision.Recorded r) {
      view.redraw(r.request());
      view.surface.tell(
          channel,
          user,
          "Your approval is recorded; "
              + r.request().remainingApprovals()
              + " more from someone else are needed before it runs.");
      view.record(
          r.request(),
          Type.APPROVAL_RECORDED,
          user,
          r.request().previewSummary()
              + ": approval "
              + r.request().approvals().size()
              + " of "
              + r.request().requiredApprovals());
    } else if (decision instanceof Decision.Denied d) {
      view.redraw(d.request());
      view.record(d.request(), Type.DENIED, user, d.request().previewSummary() + " denied");
      view.say(d.request(), Verdict.DENIED.label() + " by " + user + ": nothing was changed.");
    } else if (decision instanceof Decision.Refused r) {
      view.surface.tell(channel, user, "You cannot decide this request: " + r.reason() + ".");
      view.record(
          r.request(), Type.APPROVAL_REFUSED, user, "refused for " + user + ": " + r.reason());
    } else if (decision instanceof Decision.AlreadyDecided d) {
      view.surface.tell(
          channel,
          user,
          "This request is already "
              + d.request().state().name().toLowerCase(Locale.ROOT)
              + (d.request().decidedBy() == null ? "" : " (by " + d.request().decidedBy() + ")")
              + ".");
    } else if (decision instanceof Decision.Expired e) {
      view.redraw(e.request());
      view.surface.tell(channel, user, "This request expired; ask again for a fresh proposal.");
      view.record(e.request(), Type.EXPIRED, user, e.request().previewSummary() + " expired");
    } else {
      view.surface.tell(channel, user, "That approval request no longer exists.");
    }
  }

  private static void withCorrelation(Decision decision, Runnable action) {
    Optional<ApprovalRequest> request = decision.current();
    if (request.isEmpty()) {
      action.run();
      return;
    }
    try (var ignored = LogContext.correlation(request.get().correlationId())) {
      action.run();
    }
  }
}
