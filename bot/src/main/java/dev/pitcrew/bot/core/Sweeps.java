package dev.pitcrew.bot.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.bot.audit.AuditEvent.Type;
import dev.pitcrew.bot.concurrent.LogContext;
import dev.pitcrew.bot.kube.Targets;
import dev.pitcrew.remediations.ChangeContext;
import dev.pitcrew.runbooks.Runbook;
import dev.pitcrew.runbooks.RunbookCatalog;
import java.util.Optional;

/**
 * What happens without anyone clicking, on every replica: expired cards lose their buttons, and
 * changes whose replica stopped (its lease ran out) become UNKNOWN. Each transition is a
 * compare-and-set, so only the replica that made it redraws the card and tells the thread.
 */
public final class Sweeps {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ApprovalView view;
  private final RunbookCatalog catalog;
  private final Targets targets;

  Sweeps(ApprovalView view, RunbookCatalog catalog, Targets targets) {
    this.view = view;
    this.catalog = catalog;
    this.targets = targets;
  }

  /**
   * Changes whose replica stopped while running them become UNKNOWN, never run again; their cards
   * and threads say so, with the object's state now. A change another replica is still running is
   * left alone.
   */
  public void recoverInterrupted() {
    for (ApprovalRequest request : view.approvals.recoverInterrupted()) {
      try (var ignored = LogContext.correlation(request.correlationId())) {
        view.redraw(request);
        view.record(request, Type.UNKNOWN, "pitcrew", request.result());
        view.say(
            request,
            "The Pitcrew replica running \""
                + request.previewSummary()
                + "\" stopped before it recorded the outcome. It was not run again; check before"
                + " deciding anything."
                + currentState(request).map(s -> "\nNow: " + s).orElse(""));
      }
    }
  }

  /** Expires what is due and redraws those cards without anyone clicking. */
  /**
   * Redraws the pending cards of one conversation with {@code note} under their warnings (an alert
   * that resolved while its fix waits): they stay decidable, and say why one might not.
   */
  public void notePending(String correlationId, String note) {
    for (ApprovalRequest request : view.approvals.pending()) {
      if (request.correlationId().equals(correlationId)) {
        view.surface.updateApprovalCard(request, view.card(request).withWarning(note));
      }
    }
  }

  public void expire() {
    for (ApprovalRequest request : view.approvals.expireDue()) {
      try (var ignored = LogContext.correlation(request.correlationId())) {
        view.redraw(request);
        view.record(request, Type.EXPIRED, "pitcrew", request.previewSummary() + " expired");
      }
    }
  }

  /** What the object looks like now, for a card whose outcome is unknown. */
  private Optional<String> currentState(ApprovalRequest request) {
    JsonNode arguments = request.arguments();
    if (!arguments.has("namespace") || !arguments.has("name")) {
      return Optional.empty();
    }
    boolean onADeployment =
        catalog
            .find(request.runbook())
            .map(Runbook::actionName)
            .filter(a -> a.startsWith("deployment."))
            .isPresent();
    Optional<Runbook> status =
        catalog.runbooks().stream()
            .filter(r -> r.actionName().equals("deployment.status"))
            .findFirst();
    if (!onADeployment || status.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode target = JSON.createObjectNode();
    if (arguments.has(Runbook.CLUSTER)) {
      target.set(Runbook.CLUSTER, arguments.get(Runbook.CLUSTER));
    }
    target.set("namespace", arguments.get("namespace"));
    target.set("name", arguments.get("name"));
    // Read as the request's requester, like every other call made for it.
    Targets.Binding binding =
        targets.bind(
            status.get(),
            target,
            Targets.Caller.asking(request.requester(), request.correlationId()));
    if (!(binding instanceof Targets.Bound bound)) {
      return Optional.empty();
    }
    return Optional.of(
        bound
            .runbook()
            .execute(target, ChangeContext.readOnly(request.correlationId(), "pitcrew"))
            .summary());
  }
}
