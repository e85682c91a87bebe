package dev.pitcrew.bot.core;

import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalState;
import dev.pitcrew.approvals.Reversal;
import dev.pitcrew.bot.concurrent.LogContext;
import dev.pitcrew.runbooks.ArgumentCheck;
import dev.pitcrew.runbooks.Runbook;
import dev.pitcrew.runbooks.RunbookCatalog;
import java.util.Optional;

/**
 * Undo of a change that ran: its recorded inverse becomes a new approval request under the same
 * policy, in the same conversation, linked to the original, once however often Undo is clicked.
 */
public final class Undo {
  private final ApprovalView view;
  private final RunbookCatalog catalog;
  private final Proposals proposals;

  Undo(ApprovalView view, RunbookCatalog catalog, Proposals proposals) {
    this.view = view;
    this.catalog = catalog;
    this.proposals = proposals;
  }

  /** Someone clicked Undo on the card of {@code approvalId}. */
  public void undo(String approvalId, String user, String channel) {
    Optional<ApprovalRequest> found = view.approvals.find(approvalId);
    if (found.isEmpty()) {
      view.surface.tell(
          channel, user, "That change is no longer on record, so it cannot be undone here.");
      return;
    }
    ApprovalRequest original = found.get();
    try (var ignored = LogContext.correlation(original.correlationId())) {
      Optional<String> problem = problem(original);
      if (problem.isPresent()) {
        view.surface.tell(channel, user, "Cannot undo: " + problem.get() + ".");
        return;
      }
      Reversal inverse = original.inverse();
      Runbook runbook = runbookFor(original, inverse.action()).orElseThrow();
      ArgumentCheck check = catalog.check(runbook, inverse.arguments());
      if (check instanceof ArgumentCheck.Rejected rejected) {
        view.surface.tell(channel, user, "Cannot undo: " + rejected.error() + ".");
        return;
      }
      // A replayed or double-clicked Undo must not open a second request.
      Optional<String> taken = view.approvals.claimUndo(original.id());
      if (taken.isPresent()) {
        view.surface.tell(channel, user, "Not proposed again: " + taken.get() + ".");
        return;
      }
      Ask ask = new Ask(original.correlationId(), user, original.channel(), original.thread());
      ToolResult result;
      try {
        result =
            proposals.propose(
                ask, runbook, ((ArgumentCheck.Accepted) check).arguments(), original.id());
      } finally {
        view.approvals.releaseUndoClaim(original.id()); // if nothing was opened under it
      }
      if (result.kind() != ToolResult.Kind.APPROVAL_REQUESTED) {
        view.surface.tell(channel, user, result.text());
      }
    }
  }

  /** How to undo what was done, in runbook terms, when a loaded runbook can; else empty text. */
  String hint(ApprovalRequest done) {
    if (problem(done).isPresent()) {
      return "";
    }
    Reversal inverse = done.inverse();
    return runbookFor(done, inverse.action())
        .map(
            r ->
                "\nTo undo: "
                    + view.surface.commandPrefix()
                    + ExplicitCommand.format(r.name(), inverse.arguments()))
        .orElse("");
  }

  private Optional<String> problem(ApprovalRequest original) {
    if (original.state() != ApprovalState.SUCCEEDED) {
      return Optional.of("only a change that succeeded can be undone");
    }
    if (original.inverse() == null) {
      return Optional.of("this change records nothing that would undo it");
    }
    if (runbookFor(original, original.inverse().action()).isEmpty()) {
      return Optional.of("no loaded runbook can undo it");
    }
    return Optional.empty();
  }

  /** The original's runbook if it can, else any runbook over the inverse action. */
  private Optional<Runbook> runbookFor(ApprovalRequest original, String action) {
    Optional<Runbook> same =
        catalog.find(original.runbook()).filter(r -> r.actionName().equals(action));
    return same.isPresent()
        ? same
        : catalog.runbooks().stream().filter(r -> r.actionName().equals(action)).findFirst();
  }
}
