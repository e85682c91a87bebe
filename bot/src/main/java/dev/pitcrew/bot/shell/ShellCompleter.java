package dev.pitcrew.bot.shell;

import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.Approvals;
import dev.pitcrew.runbooks.Runbook;
import dev.pitcrew.runbooks.RunbookCatalog;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion: commands first; after {@code run} or {@code help} a runbook name; after a runbook
 * the {@code key=} of each parameter not given yet; after approve or deny a pending approval ID.
 */
final class ShellCompleter implements Completer {
  private final RunbookCatalog catalog;
  private final Approvals approvals;

  ShellCompleter(RunbookCatalog catalog, Approvals approvals) {
    this.catalog = catalog;
    this.approvals = approvals;
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    List<String> words = line.words();
    int at = line.wordIndex();
    if (at == 0) {
      Shell.COMMANDS.forEach(c -> candidates.add(new Candidate(c)));
      return;
    }
    String command = words.get(0);
    switch (command) {
      case "run", "help" -> {
        if (at == 1) {
          catalog.runbooks().forEach(r -> candidates.add(runbook(r)));
        } else if (command.equals("run")) {
          catalog.find(words.get(1)).ifPresent(r -> parameters(r, words, at, candidates));
        }
      }
      case "approve", "deny" -> {
        if (at == 1) {
          approvals.pending().forEach(r -> candidates.add(approval(r)));
        }
      }
      default -> {}
    }
  }

  private static Candidate runbook(Runbook r) {
    return new Candidate(
        r.name(), r.name(), null, r.description().lines().findFirst().orElse(""), null, null, true);
  }

  private static Candidate approval(ApprovalRequest r) {
    return new Candidate(r.id(), r.id(), null, r.previewSummary(), null, null, true);
  }

  /** {@code key=} for each parameter not given yet, without a trailing space. */
  private static void parameters(
      Runbook runbook, List<String> words, int at, List<Candidate> candidates) {
    Set<String> given = new HashSet<>();
    for (int i = 2; i < words.size(); i++) {
      if (i != at && words.get(i).contains("=")) {
        given.add(words.get(i).substring(0, words.get(i).indexOf('=')));
      }
    }
    var schema = runbook.toolSpec().parameters();
    Set<String> required = new HashSet<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            p -> {
              if (!given.contains(p.getKey())) {
                candidates.add(
                    new Candidate(
                        p.getKey() + "=",
                        p.getKey() + "=",
                        null,
                        (required.contains(p.getKey()) ? "required. " : "")
                            + p.getValue().path("description").asText(""),
                        null,
                        null,
                        false));
              }
            });
  }
}
