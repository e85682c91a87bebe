package dev.pitcrew.bot.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalState;
import dev.pitcrew.approvals.Approvals;
import dev.pitcrew.approvals.Decision;
import dev.pitcrew.approvals.Execution;
import dev.pitcrew.approvals.Proposal;
import dev.pitcrew.bot.audit.Audit;
import dev.pitcrew.bot.audit.AuditEvent.Type;
import dev.pitcrew.remediations.Applied;
import dev.pitcrew.remediations.Change;
import dev.pitcrew.remediations.ChangeContext;
import dev.pitcrew.remediations.Failed;
import dev.pitcrew.remediations.Inverse;
import dev.pitcrew.remediations.Observed;
import dev.pitcrew.remediations.Outcome;
import dev.pitcrew.remediations.Plan;
import dev.pitcrew.remediations.Preview;
import dev.pitcrew.remediations.Refused;
import dev.pitcrew.remediations.Rollout;
import dev.pitcrew.remediations.RolloutWatch;
import dev.pitcrew.runbooks.Limits;
import dev.pitcrew.runbooks.Runbook;
import dev.pitcrew.runbooks.RunbookCatalog;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.MDC;

/**
 * From a proposed change to its execution: opens the approval, shows the card, takes the clicks,
 * and runs the change once. Platform-neutral: Slack and the terminal differ only in the {@link
 * Surface}.
 */
public final class ApprovalFlow {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Approvals approvals;
  private final RunbookCatalog catalog;
  private final Surface surface;
  private final Audit audit;
  private final RolloutWatch rollouts;

  public ApprovalFlow(
      Approvals approvals,
      RunbookCatalog catalog,
      Surface surface,
      Audit audit,
      RolloutWatch rollouts) {
    this.approvals = approvals;
    this.catalog = catalog;
    this.surface = surface;
    this.audit = audit;
    this.rollouts = rollouts;
  }

  /**
   * Previews a mutating call and, if it is within limits, asks for approval.
   *
   * @return what to tell the model (or the operator) about it
   */
  public ToolResult propose(Ask ask, Runbook runbook, ObjectNode arguments) {
    // Java 17 has no pattern matching for switch; Preview is sealed, so this chain is complete.
    Preview preview = runbook.preview(arguments);
    if (preview instanceof Plan plan) {
      return requestApproval(ask, runbook, arguments, plan);
    }
    if (preview instanceof Refused r) {
      audit.record(
          Type.TOOL_REJECTED,
          ask.correlationId(),
          ask.requester(),
          runbook.name() + " not proposed: " + r.reason(),
          ask.channel(),
          ask.thread());
      return ToolResult.notProposed("Not proposed: " + r.reason());
    }
    return ToolResult.notProposed(
        "Could not prepare " + runbook.name() + ": " + ((Failed) preview).reason());
  }

  private ToolResult requestApproval(Ask ask, Runbook runbook, ObjectNode arguments, Plan plan) {
    ApprovalRequest request =
        approvals.open(
            new Proposal(
                runbook.name(),
                arguments.toString(),
                plan.summary(),
                plan.changes().stream().map(Change::toString).toList(),
                ask.requester(),
                ask.correlationId(),
                ask.channel(),
                ask.thread()));
    Set<String> approvers = approvals.policy().approversFor(request);
    String card = surface.showApprovalCard(request, approvers);
    ApprovalRequest attached = approvals.attachCard(request.id(), card);
    if (attached.state() != ApprovalState.PENDING) {
      // Decided between posting the card and recording where it is: redraw it now.
      surface.updateApprovalCard(attached, approvers);
    }
    audit.record(
        Type.APPROVAL_REQUESTED,
        ask.correlationId(),
        ask.requester(),
        plan.summary() + " (approval " + request.id() + ")",
        ask.channel(),
        ask.thread());
    return ToolResult.approvalRequested(
        "Approval requested ("
            + request.id()
            + "): "
            + plan.summary()
            + ". Nothing has changed yet: the change runs only if an authorized approver approves it"
            + " before "
            + request.expiresAt().truncatedTo(ChronoUnit.SECONDS)
            + ". Tell the user it is waiting for approval; do not say it is done.");
  }

  /** Someone clicked Approve. Runs the change if, and only if, this click approved it. */
  public void approve(String approvalId, String user, String channel) {
    Decision decision = approvals.approve(approvalId, user);
    withCorrelation(decision, () -> onDecision(decision, user, channel));
  }

  /** Someone clicked Deny. */
  public void deny(String approvalId, String user, String channel) {
    Decision decision = approvals.deny(approvalId, user);
    withCorrelation(decision, () -> onDecision(decision, user, channel));
  }

  private void onDecision(Decision decision, String user, String channel) {
    if (decision instanceof Decision.Approved a) {
      run(a.request(), user);
    } else if (decision instanceof Decision.Denied d) {
      surface.updateApprovalCard(d.request(), approversFor(d.request()));
      record(d.request(), Type.DENIED, user, d.request().previewSummary() + " denied");
      surface.say(askOf(d.request()), "Denied by " + user + ": nothing was changed.");
    } else if (decision instanceof Decision.Refused r) {
      surface.tell(channel, user, "You cannot decide this request: " + r.reason() + ".");
      record(r.request(), Type.APPROVAL_REFUSED, user, "refused for " + user + ": " + r.reason());
    } else if (decision instanceof Decision.AlreadyDecided d) {
      surface.tell(
          channel,
          user,
          "This request is already "
              + d.request().state().name().toLowerCase(Locale.ROOT)
              + (d.request().decidedBy() == null ? "" : " (by " + d.request().decidedBy() + ")")
              + ".");
    } else if (decision instanceof Decision.Expired e) {
      surface.updateApprovalCard(e.request(), approversFor(e.request()));
      surface.tell(channel, user, "This request expired; ask again for a fresh proposal.");
      record(e.request(), Type.EXPIRED, user, e.request().previewSummary() + " expired");
    } else {
      surface.tell(channel, user, "That approval request no longer exists.");
    }
  }

  private void run(ApprovalRequest approved, String approver) {
    record(approved, Type.APPROVED, approver, approved.previewSummary() + " approved");
    surface.updateApprovalCard(approved, approversFor(approved));
    AtomicReference<Outcome> outcome = new AtomicReference<>();
    Optional<ApprovalRequest> done =
        approvals.execute(
            approved,
            request -> {
              Outcome o = execute(request);
              outcome.set(o);
              return execution(o);
            });
    if (done.isEmpty()) {
      return;
    }
    ApprovalRequest result = done.get();
    surface.updateApprovalCard(result, approversFor(result));
    boolean ok = result.state() == ApprovalState.SUCCEEDED;
    record(result, ok ? Type.EXECUTED : Type.FAILED, approver, result.result());
    surface.say(askOf(result), (ok ? "Done: " : "Not done: ") + result.result() + undoHint(result));
    if (outcome.get() instanceof Applied applied && applied.rollout().isPresent()) {
      verify(result, applied.rollout().get());
    }
  }

  /** Watches the rollout off the request thread and reports how it ended. */
  private void verify(ApprovalRequest request, Rollout rollout) {
    Duration timeout =
        catalog
            .find(request.runbook())
            .map(r -> r.limits().verifyTimeout())
            .orElse(Limits.DEFAULT_VERIFY_TIMEOUT);
    rollouts
        .await(rollout, timeout)
        .thenAccept(
            v -> {
              try (var ignored = MDC.putCloseable("correlation_id", request.correlationId())) {
                record(
                    request,
                    v.complete() ? Type.VERIFIED : Type.NOT_VERIFIED,
                    "pitcrew",
                    v.summary());
                surface.say(
                    askOf(request),
                    (v.complete() ? "Verified: " : "Rollout not complete: ") + v.summary());
              }
            });
  }

  private Outcome execute(ApprovalRequest request) {
    Optional<Runbook> runbook = catalog.find(request.runbook());
    if (runbook.isEmpty()) {
      return new Failed("runbook " + request.runbook() + " is no longer loaded");
    }
    JsonNode arguments;
    try {
      arguments = JSON.readTree(request.argumentsJson());
    } catch (JsonProcessingException e) {
      return new Failed("stored arguments are unreadable: " + e.getOriginalMessage());
    }
    return runbook
        .get()
        .execute(
            arguments,
            new ChangeContext(
                request.correlationId(), request.requester(), request.decidedBy(), request.id()));
  }

  private static Execution execution(Outcome outcome) {
    if (outcome instanceof Applied applied) {
      return new Execution(
          true, applied.summary(), applied.inverse().map(ApprovalFlow::json).orElse(null));
    }
    return new Execution(outcome instanceof Observed, outcome.summary());
  }

  private static String json(Inverse inverse) {
    var node = JSON.createObjectNode().put("action", inverse.action());
    node.set("arguments", JSON.valueToTree(new java.util.TreeMap<>(inverse.arguments())));
    return node.toString();
  }

  /** How to undo what was done, in runbook terms, when a loaded runbook can. */
  private String undoHint(ApprovalRequest result) {
    if (result.inverse() == null) {
      return "";
    }
    try {
      JsonNode inverse = JSON.readTree(result.inverse());
      String action = inverse.path("action").asText();
      return catalog.runbooks().stream()
          .filter(r -> r.actionName().equals(action))
          .findFirst()
          .map(r -> "\nTo undo: " + r.name() + " " + inverse.path("arguments"))
          .orElse("");
    } catch (JsonProcessingException e) {
      return "";
    }
  }

  private Set<String> approversFor(ApprovalRequest request) {
    return approvals.policy().approversFor(request);
  }

  private void record(ApprovalRequest request, Type type, String actor, String summary) {
    audit.record(
        type, request.correlationId(), actor, summary, request.channel(), request.thread());
  }

  private static Ask askOf(ApprovalRequest request) {
    return new Ask(
        request.correlationId(), request.requester(), request.channel(), request.thread());
  }

  private static void withCorrelation(Decision decision, Runnable action) {
    Optional<ApprovalRequest> request = decision.current();
    if (request.isEmpty()) {
      action.run();
      return;
    }
    try (var ignored = MDC.putCloseable("correlation_id", request.get().correlationId())) {
      action.run();
    }
  }
}
