package dev.pitcrew.bot.shell;

import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.Card;
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
  public String showApprovalCard(ApprovalRequest request, Card card) {
    StringBuilder text = new StringBuilder();
    text.append("+-- ").append(card.title()).append(" (").append(card.approvalId()).append(")\n");
    text.append("| ").append(card.summary()).append('\n');
    for (String change : card.changes()) {
      text.append("| change: ").append(change).append('\n');
    }
    for (String warning : card.warnings()) {
      text.append("| WARNING: ").append(warning).append('\n');
    }
    text.append("| arguments: ").append(card.arguments()).append('\n');
    for (Card.Field field : card.fields()) {
      if (!field.label().equals("Runbook")) {
        text.append("| ")
            .append(field.label().toLowerCase(java.util.Locale.ROOT))
            .append(": ")
            .append(Card.plain(field.value()).replace("\n", "; "))
            .append('\n');
      }
    }
    text.append("+--");
    print("[" + card.correlationId() + "] ", text.toString());
    newCards.add(request);
    return request.id();
  }

  @Override
  public void updateApprovalCard(ApprovalRequest request, Card card) {
    if (card.status().isEmpty()) {
      if (!request.approvals().isEmpty()) { // a partial approval: say who, and how many more
        print(
            "[" + card.correlationId() + "] ",
            card.approvalId()
                + ": approved by "
                + String.join(", ", request.approvals())
                + "; "
                + request.remainingApprovals()
                + " more needed");
      }
      return;
    }
    String undo =
        card.actions().contains(Card.Action.UNDO)
            ? " (undo " + card.approvalId() + " to revert)"
            : "";
    print(
        "[" + card.correlationId() + "] ",
        card.approvalId() + ": " + Card.plain(card.status()) + undo);
  }

  @Override
  public void tell(String channel, String user, String text) {
    print("(to " + user + ") ", text);
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
