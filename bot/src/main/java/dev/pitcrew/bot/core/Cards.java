package dev.pitcrew.bot.core;

import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalRule;
import dev.pitcrew.approvals.ApprovalState;
import dev.pitcrew.bot.core.Card.Action;
import dev.pitcrew.bot.core.Card.Field;
import dev.pitcrew.bot.core.Card.Group;
import dev.pitcrew.bot.core.Card.Part;
import dev.pitcrew.bot.core.Card.Text;
import dev.pitcrew.bot.core.Card.Time;
import dev.pitcrew.bot.core.Card.User;
import java.util.ArrayList;
import java.util.List;

/** The wording of approval cards, written once for every surface. */
public final class Cards {
  private Cards() {}

  /** The card for a request as it stands, under the rule that decides who may approve it. */
  public static Card of(ApprovalRequest request, ApprovalRule rule) {
    List<Action> actions =
        switch (request.state()) {
          case PENDING -> List.of(Action.APPROVE, Action.DENY);
          case SUCCEEDED -> request.inverse() == null ? List.of() : List.of(Action.UNDO);
          default -> List.of();
        };
    return new Card(
        request.id(),
        request.correlationId(),
        request.state(),
        title(request),
        request.previewSummary(),
        List.of(
            new Field("Runbook", List.of(new Text(request.runbook()))),
            new Field("Requested by", List.of(new User(request.requester()))),
            new Field("Who may approve", approvers(rule, request)),
            new Field("Expires", List.of(new Time(request.expiresAt())))),
        request.changes().stream().map(Object::toString).toList(),
        warnings(request),
        request.arguments().toString(),
        status(request),
        actions);
  }

  private static List<String> warnings(ApprovalRequest request) {
    List<String> warnings = new ArrayList<>();
    if (request.requester().startsWith(Ask.ALERT_REQUESTER_PREFIX)) {
      warnings.add(
          "Proposed by Pitcrew for the alert "
              + request.requester().substring(Ask.ALERT_REQUESTER_PREFIX.length())
              + ", not asked for by a person: any authorized approver may decide it.");
    }
    String agent = request.proposal().agent();
    if (agent != null) {
      warnings.add(
          "Proposed over MCP by the agent "
              + agent
              + ", acting for the requester: check the change as if they had typed it.");
    }
    boolean toZero =
        request.changes().stream()
            .anyMatch(
                c -> c.field().equals("spec.replicas") && c.to() != null && c.to().asLong(-1) == 0);
    if (toZero) {
      warnings.add(
          "Scaling to 0 takes the workload down: nothing serves until it is scaled up again.");
    }
    return warnings;
  }

  static String title(ApprovalRequest request) {
    String prefix =
        request.state() == ApprovalState.PENDING && !request.approvals().isEmpty()
            ? "Approval "
                + (request.approvals().size() + 1)
                + " of "
                + request.requiredApprovals()
                + " needed"
            : Verdict.of(request.state()).label();
    return prefix + ": " + request.runbook();
  }

  private static List<Part> status(ApprovalRequest request) {
    List<Part> by =
        request.decidedBy() == null
            ? List.of()
            : List.of(new Text(" by "), new User(request.decidedBy()));
    List<Part> line = new ArrayList<>();
    switch (request.state()) {
      case PENDING -> {
        return List.of();
      }
      case APPROVED, EXECUTING -> {
        line.add(new Text("Approved"));
        line.addAll(by);
        line.add(new Text("; running now."));
      }
      case SUCCEEDED, FAILED -> {
        line.add(new Text("Approved"));
        line.addAll(by);
        line.add(new Text(". " + request.result()));
      }
      case UNKNOWN -> {
        line.add(new Text("Approved"));
        line.addAll(by);
        line.add(
            new Text(". " + Verdict.UNKNOWN.lead(request.result()) + " Check the object's state."));
      }
      case DENIED -> {
        line.add(new Text(Verdict.DENIED.label()));
        line.addAll(by);
        line.add(new Text(". Nothing was changed."));
      }
      case EXPIRED ->
          line.add(
              new Text(
                  Verdict.EXPIRED.label() + " before anyone approved it. Nothing was changed."));
      case STALE -> {
        line.add(new Text("Approved"));
        line.addAll(by);
        line.add(
            new Text(
                ". "
                    + Verdict.NOT_RUN.lead(request.result())
                    + ". Ask again for a fresh proposal."));
      }
      case CANCELLED ->
          line.add(new Text(Verdict.CANCELLED.lead(request.result()) + ". Nothing was changed."));
    }
    return line;
  }

  private static List<Part> approvers(ApprovalRule rule, ApprovalRequest request) {
    String notSelf = rule.allowSelfApproval() ? null : request.requester();
    List<Part> who = eligible(new ApprovalRule.Eligible(rule.approvers(), rule.groups()), notSelf);
    if (who.isEmpty()) {
      who.add(new Text("nobody is configured (PITCREW_APPROVERS or PITCREW_CONFIG)"));
    }
    // Broader rules that name approvers too: an approver must be on each of them as well.
    for (ApprovalRule.Eligible also : rule.alsoAdmittedBy()) {
      who.add(new Text("\nwho must also be one of: "));
      List<Part> these = eligible(also, notSelf);
      who.addAll(these.isEmpty() ? List.of(new Text("nobody")) : these);
    }
    if (request.requiredApprovals() > 1) {
      who.add(new Text("\n" + request.requiredApprovals() + " distinct approvals needed"));
      if (!request.approvals().isEmpty()) {
        who.add(new Text("; so far "));
        for (int i = 0; i < request.approvals().size(); i++) {
          if (i > 0) {
            who.add(new Text(", "));
          }
          who.add(new User(request.approvals().get(i)));
        }
      }
    }
    return who;
  }

  /** The users and groups a rule admits, the requester marked when they may not approve. */
  private static List<Part> eligible(ApprovalRule.Eligible eligible, String notSelf) {
    List<Part> parts = new ArrayList<>();
    for (String id : eligible.approvers().stream().sorted().toList()) {
      separate(parts);
      parts.add(new User(id));
      if (id.equals(notSelf)) {
        parts.add(new Text(" (not for own request)"));
      }
    }
    for (String group : eligible.groups().stream().sorted().toList()) {
      separate(parts);
      parts.add(new Group(group));
    }
    return parts;
  }

  private static void separate(List<Part> parts) {
    if (!parts.isEmpty()) {
      parts.add(new Text(", "));
    }
  }
}
