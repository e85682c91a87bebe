package dev.pitcrew.bot.shell;

import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalRule;
import dev.pitcrew.approvals.ApprovalState;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.Surface;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Shows conversations as text in a terminal. Cluster output and model text may carry terminal
 * escape sequences; every control character but newline and tab is replaced before printing.
 */
public final class ShellSurface implements Surface {
  private final PrintStream out;
  private final ConcurrentLinkedQueue<ApprovalRequest> newCards = new ConcurrentLinkedQueue<>();

  public ShellSurface(PrintStream out) {
    this.out = out;
  }

  @Override
  public void say(Ask ask, String text) {
    print("[" + ask.correlationId() + "] ", text);
  }

  @Override
  public String showApprovalCard(ApprovalRequest request, ApprovalRule rule) {
    StringBuilder card = new StringBuilder();
    card.append("+-- Approval needed: ")
        .append(request.runbook())
        .append(" (")
        .append(request.id())
        .append(")\n");
    card.append("| ").append(request.previewSummary()).append('\n');
    for (String change : request.changes()) {
      card.append("| change: ").append(change).append('\n');
    }
    card.append("| arguments: ").append(request.argumentsJson()).append('\n');
    card.append("| requested by ")
        .append(request.requester())
        .append("; may approve: ")
        .append(approvers(rule))
        .append("; expires ")
        .append(request.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
        .append('\n');
    if (request.requiredApprovals() > 1) {
      card.append("| ").append(request.requiredApprovals()).append(" distinct approvals needed\n");
    }
    card.append("+--");
    print("[" + request.correlationId() + "] ", card.toString());
    newCards.add(request);
    return request.id();
  }

  @Override
  public void updateApprovalCard(ApprovalRequest request, ApprovalRule rule) {
    if (request.state() == ApprovalState.PENDING) {
      if (!request.approvals().isEmpty()) {
        print(
            "[" + request.correlationId() + "] ",
            request.id()
                + ": approved by "
                + String.join(", ", request.approvals())
                + "; "
                + request.remainingApprovals()
                + " more needed");
      }
      return;
    }
    String by = request.decidedBy() == null ? "" : " by " + request.decidedBy();
    String line =
        switch (request.state()) {
          case APPROVED, EXECUTING -> "approved" + by + ", running";
          case SUCCEEDED ->
              "approved"
                  + by
                  + ", done: "
                  + request.result()
                  + (request.inverse() == null ? "" : " (undo " + request.id() + " to revert)");
          case FAILED -> "approved" + by + ", failed: " + request.result();
          case UNKNOWN -> "approved" + by + ", outcome unknown: " + request.result();
          case DENIED -> "denied" + by + "; nothing was changed";
          case EXPIRED -> "expired; nothing was changed";
          case STALE -> "approved" + by + " but not run: " + request.result();
          case CANCELLED -> "cancelled: " + request.result() + "; nothing was changed";
          case PENDING -> "pending";
        };
    print("[" + request.correlationId() + "] ", request.id() + ": " + line);
  }

  @Override
  public void tell(String channel, String user, String text) {
    print("(to " + user + ") ", text);
  }

  private static String approvers(ApprovalRule rule) {
    List<String> who = new ArrayList<>(rule.approvers().stream().sorted().toList());
    rule.groups().stream().sorted().map(g -> "group " + g).forEach(who::add);
    return who.isEmpty() ? "nobody is configured" : String.join(", ", who);
  }

  /** Cards shown since the last call, so the shell can ask for a decision on each. */
  List<ApprovalRequest> takeNewCards() {
    List<ApprovalRequest> cards = new ArrayList<>();
    ApprovalRequest next;
    while ((next = newCards.poll()) != null) {
      cards.add(next);
    }
    return cards;
  }

  /** A line of the shell's own, not tied to a request. */
  public void line(String text) {
    print("", text);
  }

  private void print(String prefix, String text) {
    String clean = clean(text);
    String indent = " ".repeat(prefix.length());
    synchronized (out) {
      out.println(prefix + clean.replace("\n", "\n" + indent));
      out.flush();
    }
  }

  static String clean(String text) {
    StringBuilder clean = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      clean.append(Character.isISOControl(c) && c != '\n' && c != '\t' ? '?' : c);
    }
    return clean.toString();
  }
}
