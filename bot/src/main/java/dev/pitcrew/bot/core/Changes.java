package dev.pitcrew.bot.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalState;
import dev.pitcrew.approvals.Execution;
import dev.pitcrew.approvals.PlannedChange;
import dev.pitcrew.approvals.Reversal;
import dev.pitcrew.bot.audit.AuditEvent.Type;
import dev.pitcrew.bot.concurrent.LogContext;
import dev.pitcrew.bot.concurrent.Threads;
import dev.pitcrew.bot.kube.Clusters;
import dev.pitcrew.bot.kube.Targets;
import dev.pitcrew.remediations.Applied;
import dev.pitcrew.remediations.ChangeContext;
import dev.pitcrew.remediations.Failed;
import dev.pitcrew.remediations.Inverse;
import dev.pitcrew.remediations.Observed;
import dev.pitcrew.remediations.Outcome;
import dev.pitcrew.remediations.OutcomeUnknown;
import dev.pitcrew.remediations.Plan;
import dev.pitcrew.remediations.Preview;
import dev.pitcrew.remediations.Refused;
import dev.pitcrew.remediations.Rollout;
import dev.pitcrew.remediations.RolloutWatch;
import dev.pitcrew.remediations.Verification;
import dev.pitcrew.runbooks.Limits;
import dev.pitcrew.runbooks.Runbook;
import dev.pitcrew.runbooks.RunbookCatalog;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;

/**
 * Runs an approved change once: checks the plan still holds, executes it under this replica's
 * lease, starts verifying its rollout at once, then redraws the card, tells the thread and hands
 * the outcome to {@link Listener} (the model's summary) off the approval path.
 */
public final class Changes {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Told when an approved change ran, failed or ended unknown, with its conversation. */
  @FunctionalInterface
  public interface Listener {
    void finished(Ask ask, String summary);
  }

  private final ApprovalView view;
  private final RunbookCatalog catalog;
  private final Targets targets;
  private final RolloutWatch rollouts;
  private final Undo undo;
  private final Listener listener;
  private final Executor followUps;

  Changes(
      ApprovalView view,
      RunbookCatalog catalog,
      Targets targets,
      RolloutWatch rollouts,
      Undo undo,
      Listener listener,
      Executor followUps) {
    this.view = view;
    this.catalog = catalog;
    this.targets = targets;
    this.rollouts = rollouts;
    this.undo = undo;
    this.listener = listener;
    this.followUps = followUps;
  }

  /**
   * The final approval of {@code approved} came from {@code approver}: run it, once. One straight
   * line: bind the target once (as the requester), check its plan against the card, claim the
   * request, write, finish, then tell.
   */
  void run(ApprovalRequest approved, String approver, String channel) {
    view.record(approved, Type.APPROVED, approver, approved.previewSummary() + " approved");
    Optional<Runbook> runbook = catalog.find(approved.runbook());
    // A runbook unloaded since the card fails below, when run; a target that cannot be bound now
    // (its identity or cluster went away) leaves the request not run, as a changed target does.
    Targets.Binding binding =
        runbook.isEmpty()
            ? new Targets.Refused("runbook " + approved.runbook() + " is no longer loaded")
            : targets.bind(runbook.get(), approved.arguments(), caller(approved));
    Optional<String> stale = runbook.isEmpty() ? Optional.empty() : staleness(approved, binding);
    if (stale.isPresent()) {
      view.approvals
          .markStale(approved, stale.get())
          .ifPresent(
              s -> {
                view.redraw(s);
                view.surface.tell(channel, approver, Verdict.NOT_RUN.lead(stale.get()) + ".");
                view.record(s, Type.STALE, approver, stale.get());
                view.say(
                    s, Verdict.NOT_RUN.lead(stale.get()) + ". Ask again for a fresh proposal.");
              });
      return;
    }
    view.redraw(approved);
    Optional<ApprovalRequest> claimed = view.approvals.claim(approved);
    if (claimed.isEmpty()) {
      return; // another click or replica runs it
    }
    ApprovalRequest result = claimed.get();
    Outcome outcome = null;
    if (result.state() == ApprovalState.EXECUTING) {
      outcome = execute(result, binding);
      result = view.approvals.finish(result, execution(outcome, result));
    }
    // Verification starts the moment the change is applied; the card, the thread and the model's
    // summary follow.
    if (outcome instanceof Applied applied
        && applied.rollout().isPresent()
        && binding instanceof Targets.Bound bound) {
      verify(result, applied.rollout().get(), targets.watch(rollouts, bound));
    }
    view.redraw(result);
    Ending ending = Ending.of(result.state());
    view.record(result, ending.audit(), approver, result.result());
    view.say(result, Verdict.of(result.state()).lead(result.result()) + undo.hint(result));
    String summary =
        "The approved change \""
            + result.previewSummary()
            + "\" "
            + ending.toModel()
            + result.result()
            + ".";
    // The model's summary is a network round trip: it runs off the approval path.
    ApprovalRequest ended = result;
    followUps.execute(Threads.withMdc(() -> listener.finished(ApprovalView.askOf(ended), summary)));
  }

  /** How a claimed request ended, in the audit feed and in what the model is told. */
  private record Ending(Type audit, String toModel) {
    static Ending of(ApprovalState end) {
      return switch (end) {
        case SUCCEEDED -> new Ending(Type.EXECUTED, "was made: ");
        case UNKNOWN -> new Ending(Type.UNKNOWN, "may or may not have been made: ");
        default -> new Ending(Type.FAILED, "failed: ");
      };
    }
  }

  /**
   * Why the approved card no longer describes what would happen, if it does not: the plan is
   * computed again and must show the same changes.
   */
  private static Optional<String> staleness(ApprovalRequest approved, Targets.Binding binding) {
    if (binding instanceof Targets.Refused refused) {
      return Optional.of(refused.reason());
    }
    Preview now = ((Targets.Bound) binding).runbook().preview(approved.arguments());
    if (now instanceof Plan plan) {
      List<PlannedChange> current = ApprovalView.changes(plan);
      return current.equals(approved.changes())
          ? Optional.empty()
          : Optional.of(
              "the target changed since the card was posted: it showed "
                  + approved.changes()
                  + ", now it would be "
                  + current);
    }
    return Optional.of("the target changed since the card was posted: " + now.summary());
  }

  /** Watches the rollout off the request thread and reports how it ended. */
  private void verify(ApprovalRequest request, Rollout rollout, RolloutWatch rollouts) {
    Duration timeout =
        catalog
            .find(request.runbook())
            .map(r -> r.limits().verifyTimeout())
            .orElse(Limits.DEFAULT_VERIFY_TIMEOUT);
    rollouts
        .await(rollout, timeout, recovered -> report(request, recovered, " (recovered after all)"))
        .thenAccept(v -> report(request, v, ""));
  }

  private void report(ApprovalRequest request, Verification v, String note) {
    try (var ignored = LogContext.correlation(request.correlationId())) {
      Verdict verdict = v.complete() ? Verdict.VERIFIED : Verdict.NOT_VERIFIED;
      String summary = Clusters.named(request.arguments(), v.summary()) + note;
      view.record(request, v.complete() ? Type.VERIFIED : Type.NOT_VERIFIED, "pitcrew", summary);
      view.say(request, verdict.lead(summary));
    }
  }

  private static Outcome execute(ApprovalRequest request, Targets.Binding binding) {
    if (binding instanceof Targets.Refused refused) {
      return new Failed(refused.reason());
    }
    // The write runs as the requester, with the approver and correlation ID as extras.
    try {
      return ((Targets.Bound) binding)
          .runbook()
          .execute(
              request.arguments(),
              new ChangeContext(
                      request.correlationId(),
                      request.requester(),
                      request.decidedBy(),
                      request.id())
                  // Held to what was approved at the moment of writing, not only at the click.
                  .approving(request.changes().stream().map(PlannedChange::toString).toList()));
    } catch (RuntimeException e) {
      return new Failed("the change failed unexpectedly: " + e);
    }
  }

  private static Targets.Caller caller(ApprovalRequest request) {
    return new Targets.Caller(request.requester(), request.approvals(), request.correlationId());
  }

  private static Execution execution(Outcome outcome, ApprovalRequest request) {
    // The verdict ("Failed") leads every line that shows the result: the result is the reason
    // alone, so no line reads "Failed: Failed: ...".
    String words =
        outcome instanceof Failed f
            ? f.reason()
            : outcome instanceof Refused r ? r.reason() : outcome.summary();
    String summary = Clusters.named(request.arguments(), words);
    if (outcome instanceof Applied applied) {
      return new Execution(
          true, summary, applied.inverse().map(i -> reversal(i, request)).orElse(null));
    }
    if (outcome instanceof OutcomeUnknown) {
      return new Execution(Execution.Result.UNKNOWN, summary, null);
    }
    return new Execution(outcome instanceof Observed, summary);
  }

  /** The inverse, on the same cluster as the change it undoes. */
  private static Reversal reversal(Inverse inverse, ApprovalRequest request) {
    TreeMap<String, Object> arguments = new TreeMap<>(inverse.arguments());
    Runbook.cluster(request.arguments()).ifPresent(c -> arguments.put(Runbook.CLUSTER, c));
    return new Reversal(inverse.action(), JSON.valueToTree(arguments));
  }
}
