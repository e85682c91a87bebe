package dev.pitcrew.bot.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalState;
import dev.pitcrew.approvals.Proposal;
import dev.pitcrew.bot.audit.AuditEvent.Type;
import dev.pitcrew.bot.kube.Clusters;
import dev.pitcrew.bot.kube.Targets;
import dev.pitcrew.remediations.Failed;
import dev.pitcrew.remediations.Plan;
import dev.pitcrew.remediations.Preview;
import dev.pitcrew.remediations.Refused;
import dev.pitcrew.runbooks.Runbook;
import java.time.temporal.ChronoUnit;

/**
 * From a proposed change to a card: previews the call, opens the approval request and shows its
 * card. A card that cannot be shown cancels its request: nothing waits, invisible, for a click.
 */
public final class Proposals {
  private final ApprovalView view;
  private final Targets targets;

  Proposals(ApprovalView view, Targets targets) {
    this.view = view;
    this.targets = targets;
  }

  /**
   * Previews a mutating call and, if it is within limits, asks for approval.
   *
   * @return what to tell the model (or the operator) about it
   */
  public ToolResult propose(Ask ask, Runbook runbook, ObjectNode arguments) {
    return propose(ask, runbook, arguments, null);
  }

  /** As {@link #propose(Ask, Runbook, ObjectNode)}, for the undo of {@code undoOf}. */
  ToolResult propose(Ask ask, Runbook runbook, ObjectNode arguments, String undoOf) {
    // The preview's dry run runs as the requester: a change they could not make gets no card.
    Targets.Binding binding =
        targets.bind(
            runbook, arguments, Targets.Caller.asking(ask.requester(), ask.correlationId()));
    // Java 17 has no pattern matching for switch; Preview is sealed, so this chain is complete.
    Preview preview =
        binding instanceof Targets.Bound bound
            ? bound.runbook().preview(arguments)
            : new Refused(((Targets.Refused) binding).reason());
    if (preview instanceof Plan plan) {
      return requestApproval(ask, runbook, arguments, plan, undoOf);
    }
    String reason =
        preview instanceof Refused r
            ? Verdict.NOT_PROPOSED.lead(r.reason())
            : "Could not prepare "
                + runbook.name()
                + ": "
                + Clusters.named(arguments, ((Failed) preview).reason());
    view.audit.record(
        preview instanceof Refused r && r.overLimits() ? Type.OVER_LIMITS : Type.TOOL_REJECTED,
        ask.correlationId(),
        ask.requester(),
        runbook.name() + ": " + reason,
        ask.channel(),
        ask.thread());
    return ToolResult.notProposed(reason);
  }

  private ToolResult requestApproval(
      Ask ask, Runbook runbook, ObjectNode arguments, Plan plan, String undoOf) {
    JsonNode namespace = arguments.get("namespace");
    ApprovalRequest request =
        view.approvals.open(
            new Proposal(
                runbook.name(),
                namespace == null ? null : namespace.asText(),
                arguments,
                (undoOf == null ? "" : "Undo: ") + Clusters.named(arguments, plan.summary()),
                ApprovalView.changes(plan),
                ask.requester(),
                ask.correlationId(),
                ask.channel(),
                ask.thread(),
                undoOf,
                ask.agent()));
    if (undoOf != null) {
      view.approvals.recordUndo(undoOf, request.id());
    }
    String card;
    try {
      card = view.surface.showApprovalCard(request, view.card(request));
    } catch (SurfaceException e) {
      return cardNotShown(ask, request, e);
    }
    ApprovalRequest attached = view.approvals.attachCard(request.id(), card);
    if (attached.state() != ApprovalState.PENDING) {
      // Decided between posting the card and recording where it is: redraw it now.
      view.redraw(attached);
    }
    view.record(
        request,
        Type.APPROVAL_REQUESTED,
        ask.requester(),
        request.previewSummary()
            + " (approval "
            + request.id()
            + (undoOf == null ? "" : ", undoing " + undoOf)
            + ")");
    return ToolResult.approvalRequested(
        "Approval requested ("
            + request.id()
            + "): "
            + request.previewSummary()
            + ". Nothing has changed yet: the change runs only if an authorized approver approves it"
            + " before "
            + request.expiresAt().truncatedTo(ChronoUnit.SECONDS)
            + ". Tell the user it is waiting for approval; do not say it is done.");
  }

  /**
   * A card nobody can see must not wait for a click: the request is cancelled, recorded, and the
   * requester told (in the thread if Slack lets us; the audit log has it either way).
   */
  private ToolResult cardNotShown(Ask ask, ApprovalRequest request, SurfaceException e) {
    String why = "the approval card could not be posted (" + e.getMessage() + ")";
    view.approvals
        .cancel(request.id(), why)
        .ifPresent(
            cancelled ->
                view.record(
                    cancelled,
                    Type.CANCELLED,
                    "pitcrew",
                    request.previewSummary() + ": cancelled, " + why));
    view.surface.say(
        ask,
        "Could not show the approval card for \""
            + request.previewSummary()
            + "\", so the request is cancelled and nothing will run. Ask again in a minute.");
    return ToolResult.notProposed(
        Verdict.NOT_PROPOSED.lead(why)
            + ". The request was cancelled and nothing will run; tell the user to ask again.");
  }
}
