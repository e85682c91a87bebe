package dev.pitcrew.bot.shell;

import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.Card;
import dev.pitcrew.bot.core.Surface;
import dev.pitcrew.bot.core.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jline.reader.LineReader;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;

/**
 * Shows conversations as text in a terminal, above the prompt: a message that arrives while the
 * operator types (a verification, say) is printed and the prompt and the typed line are drawn
 * again. Cards and thread messages share one stream here, so a card's update is printed only when
 * the thread does not tell the same outcome ({@link Verdict#toldInThread}). Cluster output and
 * model text may carry terminal escape sequences; every control character but newline and tab is
 * replaced before printing.
 */
public final class ShellSurface implements Surface {
  private static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();

  private final Terminal terminal;
  private final ConcurrentLinkedQueue<ApprovalRequest> newCards = new ConcurrentLinkedQueue<>();
  private volatile LineReader reader;

  public ShellSurface(Terminal terminal) {
    this.terminal = terminal;
  }

  /** From now on, print above {@code reader}'s prompt. */
  public void attach(LineReader reader) {
    this.reader = reader;
  }

  @Override
  public void say(Ask ask, String text) {
    print("[" + ask.correlationId() + "] ", text, AttributedStyle.DEFAULT);
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
            .append(field.label().toLowerCase(Locale.ROOT))
            .append(": ")
            .append(Card.plain(field.value()).replace("\n", "; "))
            .append('\n');
      }
    }
    text.append("+--");
    print("[" + card.correlationId() + "] ", text.toString(), AttributedStyle.DEFAULT);
    newCards.add(request);
    return request.id();
  }

  @Override
  public void updateApprovalCard(ApprovalRequest request, Card card) {
    if (Verdict.toldInThread(card.state())) {
      return; // the thread's own message says it, once
    }
    String text;
    if (card.status().isEmpty()) {
      if (request.approvals().isEmpty()) {
        return;
      }
      text =
          card.approvalId()
              + ": approved by "
              + String.join(", ", request.approvals())
              + "; "
              + request.remainingApprovals()
              + " more needed";
    } else {
      text = card.approvalId() + ": " + Card.plain(card.status());
    }
    print("[" + card.correlationId() + "] ", text, AttributedStyle.DEFAULT);
  }

  @Override
  public void tell(String channel, String user, String text) {
    print("(to " + user + ") ", text, AttributedStyle.DEFAULT);
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
    print("", text, AttributedStyle.DEFAULT);
  }

  /** An audit line: dimmed and marked, so it never reads as a second copy of the outcome. */
  void audit(String text) {
    print("  audit | ", text, DIM);
  }

  private void print(String prefix, String text, AttributedStyle style) {
    String indent = " ".repeat(prefix.length());
    AttributedString line =
        new AttributedString(prefix + clean(text).replace("\n", "\n" + indent), style);
    LineReader current = reader;
    if (current != null) {
      current.printAbove(line);
      return;
    }
    synchronized (terminal) {
      line.println(terminal);
      terminal.flush();
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
