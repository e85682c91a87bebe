package dev.pitcrew.bot.shell;

import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.bot.core.ApprovalPath;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.Conversations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The terminal front end: reads a line, hands it to the same conversation logic Slack uses, and
 * asks for a decision on every approval card it shows. Decisions go through the same policy; the
 * operator decides as a configurable local identity.
 */
public final class Shell {
  static final String CHANNEL = "terminal";
  private static final Pattern DECISION =
      Pattern.compile("^(approve|deny|undo)(?:\\s+(apr-[0-9a-f]+))?(?:\\s+as\\s+(\\S+))?$");

  private final Conversations conversations;
  private final ApprovalPath approvals;
  private final ShellSurface surface;
  private final String user;
  private final Optional<String> approver;
  private final BufferedReader in;
  private final PrintStream out;

  public Shell(
      Conversations conversations,
      ApprovalPath approvals,
      ShellSurface surface,
      String user,
      Optional<String> approver,
      BufferedReader in,
      PrintStream out) {
    this.conversations = conversations;
    this.approvals = approvals;
    this.surface = surface;
    this.user = user;
    this.approver = approver;
    this.in = in;
    this.out = out;
  }

  /** Reads commands until end of input or {@code exit}. */
  public void run() throws IOException {
    while (true) {
      String line = prompt("pitcrew> ");
      if (line == null || line.equals("exit") || line.equals("quit")) {
        return;
      }
      if (line.isEmpty()) {
        continue;
      }
      Matcher decision = DECISION.matcher(line);
      if (decision.matches() && decision.group(2) != null) {
        decide(decision.group(1), decision.group(2), decision.group(3));
        continue;
      }
      String correlationId = Ask.newCorrelationId();
      conversations.handle(new Ask(correlationId, user, CHANNEL, correlationId), line);
      for (ApprovalRequest card : surface.takeNewCards()) {
        if (!askForDecision(card)) {
          return;
        }
      }
    }
  }

  /**
   * @return false at end of input
   */
  private boolean askForDecision(ApprovalRequest card) throws IOException {
    String as = approver.map(a -> " as " + a).orElse("");
    String answer =
        prompt(
            "Decide "
                + card.id()
                + ": approve"
                + as
                + " / deny"
                + as
                + " / later (or 'approve as NAME'): ");
    if (answer == null) {
      return false;
    }
    Matcher decision = DECISION.matcher(answer);
    if (answer.equals("y") || answer.equals("yes")) {
      decide("approve", card.id(), null);
    } else if (answer.equals("n") || answer.equals("no")) {
      decide("deny", card.id(), null);
    } else if (decision.matches() && !decision.group(1).equals("undo")) {
      decide(decision.group(1), card.id(), decision.group(3));
    } else {
      surface.line(
          "Left pending. Later: approve " + card.id() + as + ", or deny " + card.id() + as + ".");
    }
    return true;
  }

  private void decide(String verb, String approvalId, String as) {
    String who = as != null ? as : approver.orElse(user);
    switch (verb) {
      case "approve" -> approvals.decisions().approve(approvalId, who, CHANNEL);
      case "deny" -> approvals.decisions().deny(approvalId, who, CHANNEL);
      default -> {
        // Undo proposes the inverse as the operator; it then needs an approval like any change.
        approvals.undo().undo(approvalId, as != null ? as : user, CHANNEL);
        for (ApprovalRequest card : surface.takeNewCards()) {
          try {
            askForDecision(card);
          } catch (IOException e) {
            return;
          }
        }
      }
    }
  }

  private String prompt(String text) throws IOException {
    synchronized (out) {
      out.print(text);
      out.flush();
    }
    String line = in.readLine();
    return line == null ? null : line.strip();
  }
}
