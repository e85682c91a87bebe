package dev.pitcrew.bot.shell;

import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.Approvals;
import dev.pitcrew.bot.core.ApprovalPath;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.Conversations;
import dev.pitcrew.bot.core.Names;
import dev.pitcrew.runbooks.Runbook;
import dev.pitcrew.runbooks.RunbookCatalog;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;

/**
 * The terminal front end: reads a line with editing, history and completion, hands requests to the
 * same conversation logic Slack uses, and asks for a decision on every approval card it shows.
 * Decisions go through the same policy; the operator decides as a configurable local identity.
 */
public final class Shell {
  public static final String CHANNEL = "terminal";
  static final String PROMPT = "pitcrew> ";

  /** The shell's own commands; {@code run}, {@code runbooks} and questions go to the core. */
  static final List<String> COMMANDS =
      List.of("run", "runbooks", "help", "pending", "approve", "deny", "undo", "exit", "quit");

  private static final Pattern DECISION =
      Pattern.compile("^(approve|deny)(?:\\s+(apr-[0-9a-f]+))?(?:\\s+as\\s+(\\S+))?$");
  private static final Pattern ANSWER =
      Pattern.compile("^(?i)(approve|a|y|yes|deny|d|n|no|later|l)(?-i)(?:\\s+as\\s+(\\S+))?$");
  private static final Pattern UNDO =
      Pattern.compile("^undo\\s+(apr-[0-9a-f]+)(?:\\s+as\\s+(\\S+))?$");

  private final Conversations conversations;
  private final ApprovalPath path;
  private final Approvals approvals;
  private final RunbookCatalog catalog;
  private final ShellSurface surface;
  private final String user;
  private final Optional<String> approver;
  private final LineReader reader;

  public Shell(
      Conversations conversations,
      ApprovalPath path,
      Approvals approvals,
      RunbookCatalog catalog,
      ShellSurface surface,
      String user,
      Optional<String> approver,
      LineReader reader) {
    this.conversations = conversations;
    this.path = path;
    this.approvals = approvals;
    this.catalog = catalog;
    this.surface = surface;
    this.user = user;
    this.approver = approver;
    this.reader = reader;
  }

  /** Tab completion over these runbooks and the pending approvals. */
  public static Completer completer(RunbookCatalog catalog, Approvals approvals) {
    return new ShellCompleter(catalog, approvals);
  }

  /**
   * Reads commands until {@code exit}, or end of input. Ctrl-C drops the line being typed; Ctrl-D
   * with approvals still pending warns once, and leaves on the next.
   */
  public void run() {
    boolean warned = false;
    while (true) {
      String line;
      try {
        line = reader.readLine(PROMPT).strip();
      } catch (UserInterruptException e) {
        continue;
      } catch (EndOfFileException e) {
        List<ApprovalRequest> open = approvals.pending();
        if (open.isEmpty() || warned) {
          return;
        }
        warned = true;
        surface.line(
            plural(open.size(), "approval is", "approvals are")
                + " still pending ("
                + ids(open)
                + "); they end with this shell. Press Ctrl-D again to leave, or decide them first"
                + " (pending lists them).");
        continue;
      }
      warned = false;
      if (line.equals("exit") || line.equals("quit")) {
        List<ApprovalRequest> open = approvals.pending();
        if (!open.isEmpty()) {
          surface.line(
              "Leaving "
                  + plural(open.size(), "pending approval", "pending approvals")
                  + " ("
                  + ids(open)
                  + "): they end with this shell.");
        }
        return;
      }
      handle(line);
    }
  }

  private void handle(String line) {
    if (line.isEmpty()) {
      return;
    }
    String first = line.split("\\s+", 2)[0];
    Matcher decision = DECISION.matcher(line);
    Matcher undo = UNDO.matcher(line);
    if (decision.matches()) {
      decide(decision.group(1), decision.group(2), decision.group(3));
    } else if (undo.matches()) {
      undo(undo.group(1), undo.group(2));
    } else if (first.equals("approve") || first.equals("deny") || first.equals("undo")) {
      surface.line(
          "Usage: "
              + first
              + (first.equals("undo") ? " apr-ID" : " [apr-ID]")
              + " [as NAME]. Type pending for the open approvals.");
    } else if (line.equals("help")) {
      surface.line(help());
    } else if (line.equals("pending")) {
      surface.line(pending());
    } else if (first.equals("run") || first.equals("runbooks") || first.equals("help")) {
      converse(line);
    } else if (catalog.find(first).isPresent()) {
      surface.line("'" + first + "' is a runbook. To run it: run " + line);
    } else if (conversations.hasAssistant() && line.contains(" ")) {
      converse(line); // a question
    } else {
      surface.line(unknown(first, line.contains(" ")));
    }
  }

  private String unknown(String first, boolean manyWords) {
    List<String> names = new ArrayList<>(COMMANDS);
    catalog.runbooks().stream().map(Runbook::name).forEach(names::add);
    Optional<String> near = Names.nearest(first, names);
    return "Unknown command '"
        + first
        + "'."
        + near.map(n -> " Did you mean " + (COMMANDS.contains(n) ? n : "run " + n) + "?").orElse("")
        + " Type help for the commands."
        + (manyWords && !conversations.hasAssistant()
            ? " If that was a question: questions need an LLM, and none is configured (set"
                + " OPENAI_API_KEY or OPENAI_BASE_URL, and PITCREW_MODEL)."
            : "");
  }

  private void converse(String line) {
    String correlationId = Ask.newCorrelationId();
    conversations.handle(new Ask(correlationId, user, CHANNEL, correlationId), line);
    decideNewCards();
  }

  private void decideNewCards() {
    for (ApprovalRequest card : surface.takeNewCards()) {
      askForDecision(card);
    }
  }

  /** Asks until the answer is one the prompt offers; Ctrl-C or Ctrl-D leave the card pending. */
  private void askForDecision(ApprovalRequest card) {
    String as = approver.map(a -> " as " + a).orElse("");
    while (true) {
      String answer;
      try {
        answer =
            reader.readLine("Decide " + card.id() + ": approve" + as + " / deny / later: ").strip();
      } catch (UserInterruptException | EndOfFileException e) {
        answer = "later";
      }
      Matcher m = ANSWER.matcher(answer); // the verb in any case; a name as typed
      if (!m.matches()) {
        String first = answer.split("\\s+", 2)[0];
        surface.line(
            "Answer approve, deny or later (or approve as NAME)."
                + (COMMANDS.contains(first) || catalog.find(first).isPresent()
                    ? " '" + answer + "' was not run; decide first, then Ctrl-P brings it back."
                    : ""));
        continue;
      }
      switch (m.group(1).toLowerCase(Locale.ROOT)) {
        case "approve", "a", "y", "yes" -> decide("approve", card.id(), m.group(2));
        case "deny", "d", "n", "no" -> decide("deny", card.id(), m.group(2));
        default ->
            surface.line(
                "Left pending. Later: approve " + card.id() + as + ", or deny " + card.id() + ".");
      }
      return;
    }
  }

  private void decide(String verb, String approvalId, String as) {
    String id = approvalId;
    if (id == null) {
      List<ApprovalRequest> open = approvals.pending();
      if (open.size() != 1) {
        surface.line(
            open.isEmpty()
                ? "No approvals are pending."
                : "Which one? " + verb + " apr-ID; pending: " + ids(open) + ".");
        return;
      }
      id = open.get(0).id();
    }
    String who = as != null ? as : approver.orElse(user);
    if (verb.equals("approve")) {
      path.decisions().approve(id, who, CHANNEL);
    } else {
      path.decisions().deny(id, who, CHANNEL);
    }
  }

  /** Undo proposes the inverse as the operator; it then needs an approval like any change. */
  private void undo(String approvalId, String as) {
    path.undo().undo(approvalId, as != null ? as : user, CHANNEL);
    decideNewCards();
  }

  private String pending() {
    List<ApprovalRequest> open = approvals.pending();
    if (open.isEmpty()) {
      return "No approvals are pending.";
    }
    StringBuilder text = new StringBuilder(plural(open.size(), "approval", "approvals"));
    text.append(" pending:");
    for (ApprovalRequest r : open) {
      text.append("\n  ")
          .append(r.id())
          .append("  ")
          .append(r.previewSummary())
          .append("  (")
          .append(r.runbook())
          .append(", asked by ")
          .append(r.requester())
          .append(", expires ")
          .append(r.expiresAt().truncatedTo(ChronoUnit.SECONDS))
          .append(')');
    }
    return text.toString();
  }

  private String help() {
    return "Commands (Tab completes them, runbook names and key=):\n"
        + "  run <runbook> key=value ...   run a runbook; a change asks for approval first\n"
        + "  runbooks                      list the runbooks\n"
        + "  help <runbook>                a runbook's parameters and limits\n"
        + "  pending                       the approvals waiting for a decision\n"
        + "  approve [apr-ID] [as NAME]    approve (the only pending one if no ID)\n"
        + "  deny [apr-ID] [as NAME]       deny it; nothing changes\n"
        + "  undo apr-ID                   propose the reverse of a change that ran\n"
        + "  exit                          leave (Ctrl-D too)\n"
        + (conversations.hasAssistant()
            ? "Anything else is a question for the model."
            : "Questions need an LLM; none is configured (OPENAI_API_KEY or OPENAI_BASE_URL, and"
                + " PITCREW_MODEL).")
        + "\nCtrl-C clears the line; Ctrl-P/Ctrl-N or the arrows walk the history.";
  }

  private static String ids(List<ApprovalRequest> requests) {
    return String.join(", ", requests.stream().map(ApprovalRequest::id).toList());
  }

  private static String plural(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
