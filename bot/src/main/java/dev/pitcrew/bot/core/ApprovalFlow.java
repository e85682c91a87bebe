package dev.pitcrew.bot.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalRule;
import dev.pitcrew.approvals.ApprovalState;
import dev.pitcrew.approvals.Approvals;
import dev.pitcrew.approvals.Decision;
import dev.pitcrew.approvals.Execution;
import dev.pitcrew.approvals.Proposal;
import dev.pitcrew.bot.audit.Audit;
import dev.pitcrew.bot.audit.AuditEvent.Type;
import dev.pitcrew.bot.concurrent.LogContext;
import dev.pitcrew.bot.concurrent.Threads;
import dev.pitcrew.remediations.Applied;
import dev.pitcrew.remediations.Change;
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
import dev.pitcrew.runbooks.ArgumentCheck;
import dev.pitcrew.runbooks.Limits;
import dev.pitcrew.runbooks.Runbook;
import dev.pitcrew.runbooks.RunbookCatalog;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * From a proposed change to its execution: opens the approval, shows the card, takes the clicks,
 * checks the plan still holds, and runs the change once. Platform-neutral: Slack and the terminal
 * differ only in the {@link Surface}.
 */
public final class ApprovalFlow {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Approvals approvals;
  private final RunbookCatalog catalog;
  private final Surface surface;
  private final Audit audit;
  private final RolloutWatch rollouts;
  private final Executor followUps;
  private volatile BiConsumer<Ask, String> finished = (ask, summary) -> {};

  public ApprovalFlow(
      Approvals approvals,
      RunbookCatalog catalog,
      Surface surface,
      Audit audit,
      RolloutWatch rollouts,
      Executor followUps) {
    this.approvals = approvals;
    this.catalog = catalog;
    this.surface = surface;
    this.audit = audit;
    this.rollouts = rollouts;
    this.followUps = followUps;
  }

  /** Told when an approved change ran or failed, with the conversation it belongs to. */
  public void onFinished(BiConsumer<Ask, String> listener) {
    this.finished = listener;
  }

  /**
   * Previews a mutating call and, if it is within limits, asks for approval.
   *
   * @return what to tell the model (or the operator) about it
   */
  public ToolResult propose(Ask ask, Runbook runbook, ObjectNode arguments) {
    return propose(ask, runbook, arguments, null);
  }

  private ToolResult propose(Ask ask, Runbook runbook, ObjectNode arguments, String undoOf) {
    // Java 17 has no pattern matching for switch; Preview is sealed, so this chain is complete.
    Preview preview = runbook.preview(arguments);
    if (preview instanceof Plan plan) {
      return requestApproval(ask, runbook, arguments, plan, undoOf);
    }
    String reason =
        preview instanceof Refused r
            ? "Not proposed: " + r.reason()
            : "Could not prepare " + runbook.name() + ": " + ((Failed) preview).reason();
    audit.record(
        Type.TOOL_REJECTED,
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
        approvals.open(
            new Proposal(
                runbook.name(),
                namespace == null ? null : namespace.asText(),
                arguments.toString(),
                (undoOf == null ? "" : "Undo: ") + plan.summary(),
                lines(plan),
                ask.requester(),
                ask.correlationId(),
                ask.channel(),
                ask.thread(),
                undoOf));
    if (undoOf != null) {
      approvals.recordUndo(undoOf, request.id());
    }
    ApprovalRule rule = ruleFor(request);
    String card;
    try {
      card = surface.showApprovalCard(request, rule);
    } catch (SurfaceException e) {
      return cardNotShown(ask, request, e);
    }
    ApprovalRequest attached = approvals.attachCard(request.id(), card);
    if (attached.state() != ApprovalState.PENDING) {
      // Decided between posting the card and recording where it is: redraw it now.
      surface.updateApprovalCard(attached, rule);
    }
    record(
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
            + plan.summary()
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
    approvals
        .cancel(request.id(), why)
        .ifPresent(
            cancelled ->
                record(
                    cancelled,
                    Type.CANCELLED,
                    "pitcrew",
                    request.previewSummary() + ": cancelled, " + why));
    surface.say(
        ask,
        "Could not show the approval card for \""
            + request.previewSummary()
            + "\", so the request is cancelled and nothing will run. Ask again in a minute.");
    return ToolResult.notProposed(
        "Not proposed: "
            + why
            + ". The request was cancelled and nothing will run; tell the user to ask again.");
  }

  /**
   * Someone clicked Approve. Runs the change if, and only if, this click completed the approval.
   */
  public void approve(String approvalId, String user, String channel) {
    Decision decision = approvals.approve(approvalId, user);
    withCorrelation(decision, () -> onDecision(decision, user, channel));
  }

  /** Someone clicked Deny. */
  public void deny(String approvalId, String user, String channel) {
    Decision decision = approvals.deny(approvalId, user);
    withCorrelation(decision, () -> onDecision(decision, user, channel));
  }

  /**
   * Someone clicked Undo on a change that ran: its recorded inverse becomes a new approval request
   * under the same policy, in the same conversation, linked to the original.
   */
  public void undo(String approvalId, String user, String channel) {
    Optional<ApprovalRequest> found = approvals.find(approvalId);
    if (found.isEmpty()) {
      surface.tell(
          channel, user, "That change is no longer on record, so it cannot be undone here.");
      return;
    }
    ApprovalRequest original = found.get();
    try (var ignored = LogContext.correlation(original.correlationId())) {
      Optional<String> problem = undoProblem(original);
      if (problem.isPresent()) {
        surface.tell(channel, user, "Cannot undo: " + problem.get() + ".");
        return;
      }
      JsonNode inverse = readJson(original.inverse());
      Runbook runbook = undoRunbook(original, inverse.path("action").asText()).orElseThrow();
      ArgumentCheck check = catalog.check(runbook, inverse.path("arguments"));
      if (check instanceof ArgumentCheck.Rejected rejected) {
        surface.tell(channel, user, "Cannot undo: " + rejected.error() + ".");
        return;
      }
      // A replayed or double-clicked Undo must not open a second request.
      Optional<String> taken = approvals.claimUndo(original.id());
      if (taken.isPresent()) {
        surface.tell(channel, user, "Not proposed again: " + taken.get() + ".");
        return;
      }
      Ask ask = new Ask(original.correlationId(), user, original.channel(), original.thread());
      ToolResult result;
      try {
        result = propose(ask, runbook, ((ArgumentCheck.Accepted) check).arguments(), original.id());
      } finally {
        approvals.releaseUndoClaim(original.id()); // if nothing was opened under it
      }
      if (result.kind() != ToolResult.Kind.APPROVAL_REQUESTED) {
        surface.tell(channel, user, result.text());
      }
    }
  }

  private Optional<String> undoProblem(ApprovalRequest original) {
    if (original.state() != ApprovalState.SUCCEEDED) {
      return Optional.of("only a change that succeeded can be undone");
    }
    if (original.inverse() == null) {
      return Optional.of("this change records nothing that would undo it");
    }
    JsonNode inverse = readJson(original.inverse());
    if (inverse == null || undoRunbook(original, inverse.path("action").asText()).isEmpty()) {
      return Optional.of("no loaded runbook can undo it");
    }
    return Optional.empty();
  }

  /** The original's runbook if it can, else any runbook over the inverse action. */
  private Optional<Runbook> undoRunbook(ApprovalRequest original, String action) {
    Optional<Runbook> same =
        catalog.find(original.runbook()).filter(r -> r.actionName().equals(action));
    return same.isPresent()
        ? same
        : catalog.runbooks().stream().filter(r -> r.actionName().equals(action)).findFirst();
  }

  /**
   * Changes whose replica stopped while running them (its lease ran out) become UNKNOWN, never run
   * again; their cards and threads say so, with the object's state now. A change another replica is
   * still running is left alone.
   */
  public void recoverInterrupted() {
    for (ApprovalRequest request : approvals.recoverInterrupted()) {
      try (var ignored = LogContext.correlation(request.correlationId())) {
        surface.updateApprovalCard(request, ruleFor(request));
        record(request, Type.UNKNOWN, "pitcrew", request.result());
        surface.say(
            askOf(request),
            "The Pitcrew replica running \""
                + request.previewSummary()
                + "\" stopped before it recorded the outcome. It was not run again; check before"
                + " deciding anything."
                + currentState(request).map(s -> "\nNow: " + s).orElse(""));
      }
    }
  }

  /** Expires what is due and redraws those cards without anyone clicking. */
  public void sweepExpired() {
    for (ApprovalRequest request : approvals.expireDue()) {
      try (var ignored = LogContext.correlation(request.correlationId())) {
        surface.updateApprovalCard(request, ruleFor(request));
        record(request, Type.EXPIRED, "pitcrew", request.previewSummary() + " expired");
      }
    }
  }

  private void onDecision(Decision decision, String user, String channel) {
    if (decision instanceof Decision.Approved a) {
      run(a.request(), user, channel);
    } else if (decision instanceof Decision.Recorded r) {
      surface.updateApprovalCard(r.request(), ruleFor(r.request()));
      surface.tell(
          channel,
          user,
          "Your approval is recorded; "
              + r.request().remainingApprovals()
              + " more from someone else are needed before it runs.");
      record(
          r.request(),
          Type.APPROVAL_RECORDED,
          user,
          r.request().previewSummary()
              + ": approval "
              + r.request().approvals().size()
              + " of "
              + r.request().requiredApprovals());
    } else if (decision instanceof Decision.Denied d) {
      surface.updateApprovalCard(d.request(), ruleFor(d.request()));
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
      surface.updateApprovalCard(e.request(), ruleFor(e.request()));
      surface.tell(channel, user, "This request expired; ask again for a fresh proposal.");
      record(e.request(), Type.EXPIRED, user, e.request().previewSummary() + " expired");
    } else {
      surface.tell(channel, user, "That approval request no longer exists.");
    }
  }

  private void run(ApprovalRequest approved, String approver, String channel) {
    record(approved, Type.APPROVED, approver, approved.previewSummary() + " approved");
    Optional<String> stale = staleness(approved);
    if (stale.isPresent()) {
      approvals
          .markStale(approved, stale.get())
          .ifPresent(
              s -> {
                surface.updateApprovalCard(s, ruleFor(s));
                surface.tell(channel, approver, "Not run: " + stale.get() + ".");
                record(s, Type.STALE, approver, stale.get());
                surface.say(
                    askOf(s), "Not run: " + stale.get() + ". Ask again for a fresh proposal.");
              });
      return;
    }
    surface.updateApprovalCard(approved, ruleFor(approved));
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
    // Verification starts the moment the change is applied; the card, the thread and the model's
    // summary follow.
    if (outcome.get() instanceof Applied applied && applied.rollout().isPresent()) {
      verify(result, applied.rollout().get());
    }
    surface.updateApprovalCard(result, ruleFor(result));
    ApprovalState end = result.state();
    Type type =
        end == ApprovalState.SUCCEEDED
            ? Type.EXECUTED
            : end == ApprovalState.UNKNOWN ? Type.UNKNOWN : Type.FAILED;
    record(result, type, approver, result.result());
    String lead =
        end == ApprovalState.SUCCEEDED
            ? "Done: "
            : end == ApprovalState.UNKNOWN ? "Outcome unknown: " : "Not done: ";
    surface.say(askOf(result), lead + result.result() + undoHint(result));
    String summary =
        "The approved change \""
            + result.previewSummary()
            + "\" "
            + (end == ApprovalState.SUCCEEDED
                ? "was made: "
                : end == ApprovalState.UNKNOWN ? "may or may not have been made: " : "failed: ")
            + result.result()
            + ".";
    // The model's summary is a network round trip: it runs off the approval path.
    followUps.execute(Threads.withMdc(() -> finished.accept(askOf(result), summary)));
  }

  /**
   * Why the approved card no longer describes what would happen, if it does not: the plan is
   * computed again and must show the same changes.
   */
  private Optional<String> staleness(ApprovalRequest approved) {
    Optional<Runbook> runbook = catalog.find(approved.runbook());
    JsonNode arguments = readJson(approved.argumentsJson());
    if (runbook.isEmpty() || arguments == null) {
      return Optional.empty(); // execute() reports these
    }
    Preview now = runbook.get().preview(arguments);
    if (now instanceof Plan plan) {
      List<String> current = lines(plan);
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
              try (var ignored = LogContext.correlation(request.correlationId())) {
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
    JsonNode arguments = readJson(request.argumentsJson());
    if (arguments == null) {
      return new Failed("stored arguments are unreadable");
    }
    return runbook
        .get()
        .execute(
            arguments,
            new ChangeContext(
                request.correlationId(), request.requester(), request.decidedBy(), request.id()));
  }

  /** What the object looks like now, for a card whose outcome is unknown. */
  private Optional<String> currentState(ApprovalRequest request) {
    JsonNode arguments = readJson(request.argumentsJson());
    if (arguments == null || !arguments.has("namespace") || !arguments.has("name")) {
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
    target.set("namespace", arguments.get("namespace"));
    target.set("name", arguments.get("name"));
    return Optional.of(
        status
            .get()
            .execute(target, ChangeContext.readOnly(request.correlationId(), "pitcrew"))
            .summary());
  }

  private static Execution execution(Outcome outcome) {
    if (outcome instanceof Applied applied) {
      return new Execution(
          true, applied.summary(), applied.inverse().map(ApprovalFlow::json).orElse(null));
    }
    if (outcome instanceof OutcomeUnknown unknown) {
      return new Execution(Execution.Result.UNKNOWN, unknown.summary(), null);
    }
    return new Execution(outcome instanceof Observed, outcome.summary());
  }

  private static String json(Inverse inverse) {
    var node = JSON.createObjectNode().put("action", inverse.action());
    node.set("arguments", JSON.valueToTree(new TreeMap<>(inverse.arguments())));
    return node.toString();
  }

  /** How to undo what was done, in runbook terms, when a loaded runbook can. */
  private String undoHint(ApprovalRequest result) {
    if (undoProblem(result).isPresent()) {
      return "";
    }
    JsonNode inverse = readJson(result.inverse());
    return undoRunbook(result, inverse.path("action").asText())
        .map(r -> "\nTo undo: " + r.name() + " " + inverse.path("arguments"))
        .orElse("");
  }

  private static List<String> lines(Plan plan) {
    return plan.changes().stream().map(Change::toString).toList();
  }

  private static JsonNode readJson(String json) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private ApprovalRule ruleFor(ApprovalRequest request) {
    return approvals.policy().ruleFor(request);
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
    try (var ignored = LogContext.correlation(request.get().correlationId())) {
      action.run();
    }
  }
}
