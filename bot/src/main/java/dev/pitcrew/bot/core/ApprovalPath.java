package dev.pitcrew.bot.core;

import dev.pitcrew.approvals.Approvals;
import dev.pitcrew.bot.audit.Audit;
import dev.pitcrew.bot.kube.Targets;
import dev.pitcrew.remediations.RolloutWatch;
import dev.pitcrew.runbooks.RunbookCatalog;
import java.util.concurrent.Executor;

/**
 * The approval path, one job per part: {@link Proposals} (call to card), {@link Decisions}
 * (clicks), {@link Changes} (running a change once and verifying it), {@link Undo}, {@link Sweeps}
 * (expiry and recovery). Built in two steps because the model's conversations need the proposals,
 * and the changes report back to those conversations: no part is wired after construction.
 */
public record ApprovalPath(Proposals proposals, Decisions decisions, Undo undo, Sweeps sweeps) {

  /** The first step: what proposing needs. */
  public static Proposing begin(
      Approvals approvals, RunbookCatalog catalog, Surface surface, Audit audit, Targets targets) {
    ApprovalView view = new ApprovalView(approvals, surface, audit);
    return new Proposing(view, catalog, targets, new Proposals(view, targets));
  }

  /** Proposals exist; decisions and changes follow in {@link #finish}. */
  public static final class Proposing {
    private final ApprovalView view;
    private final RunbookCatalog catalog;
    private final Targets targets;
    private final Proposals proposals;

    private Proposing(
        ApprovalView view, RunbookCatalog catalog, Targets targets, Proposals proposals) {
      this.view = view;
      this.catalog = catalog;
      this.targets = targets;
      this.proposals = proposals;
    }

    public Proposals proposals() {
      return proposals;
    }

    /**
     * The rest of the path.
     *
     * @param finished told each approved change's outcome, on {@code followUps}
     */
    public ApprovalPath finish(
        RolloutWatch rollouts, Changes.Listener finished, Executor followUps) {
      Undo undo = new Undo(view, catalog, proposals);
      Changes changes = new Changes(view, catalog, targets, rollouts, undo, finished, followUps);
      return new ApprovalPath(
          proposals, new Decisions(view, changes), undo, new Sweeps(view, catalog, targets));
    }
  }
}
