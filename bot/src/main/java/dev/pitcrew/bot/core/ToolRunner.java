package dev.pitcrew.bot.core;

import dev.pitcrew.bot.audit.Audit;
import dev.pitcrew.bot.audit.AuditEvent.Type;
import dev.pitcrew.bot.kube.Clusters;
import dev.pitcrew.bot.kube.Targets;
import dev.pitcrew.bot.metrics.Metrics;
import dev.pitcrew.remediations.ChangeContext;
import dev.pitcrew.remediations.Masking;
import dev.pitcrew.remediations.Outcome;
import dev.pitcrew.remediations.Risk;
import dev.pitcrew.runbooks.ArgumentCheck;
import dev.pitcrew.runbooks.Runbook;
import dev.pitcrew.runbooks.RunbookCatalog;
import java.time.Duration;

/**
 * Runs one tool call, whoever made it: read-only runbooks at once, mutating ones only as approval
 * requests. Arguments are checked against the runbook before anything runs; what goes wrong comes
 * back as text for the caller to read, never as an exception.
 */
public final class ToolRunner {
  /** Longest tool output handed back, in characters. */
  static final int MAX_OUTPUT_CHARS = 8_000;

  private final RunbookCatalog catalog;
  private final Proposals approvals;
  private final Audit audit;
  private final Metrics metrics;
  private final Targets targets;

  public ToolRunner(
      RunbookCatalog catalog, Proposals approvals, Audit audit, Metrics metrics, Targets targets) {
    this.catalog = catalog;
    this.approvals = approvals;
    this.audit = audit;
    this.metrics = metrics;
    this.targets = targets;
  }

  /** Whether {@code runbook} is offered to {@code requester} (as a tool the model may call). */
  public boolean offers(String requester, String runbook) {
    return targets.offers(requester, runbook);
  }

  public ToolResult run(Ask ask, String tool, String argumentsJson) {
    long started = System.nanoTime();
    ToolResult result = runUnmeasured(ask, tool, argumentsJson);
    // Only loaded runbook names become metric tags; whatever else the model invents is "unknown".
    String runbook = catalog.find(tool).map(Runbook::name).orElse("unknown");
    metrics.toolCall(
        runbook,
        result.kind().name().toLowerCase(java.util.Locale.ROOT),
        Duration.ofNanos(System.nanoTime() - started));
    if (result.kind() == ToolResult.Kind.APPROVAL_REQUESTED) {
      metrics.approvalRequested(runbook);
    }
    return result;
  }

  /**
   * A call the model got wrong before it could even be looked up (no call ID, a tool kind Pitcrew
   * does not offer): counted, audited, and answered as an error the model can correct.
   */
  public ToolResult reject(Ask ask, String error, String reason) {
    metrics.argumentError(reason);
    record(ask, Type.TOOL_REJECTED, error);
    return ToolResult.error(error);
  }

  private ToolResult runUnmeasured(Ask ask, String tool, String argumentsJson) {
    String call = tool + " " + truncate(String.valueOf(argumentsJson), 500);
    ArgumentCheck check = catalog.check(tool, argumentsJson);
    // A read is audited once it ran, so its line can say how much of its output was masked.
    boolean read = check instanceof ArgumentCheck.Accepted a && a.runbook().risk() == Risk.READ;
    if (!read) {
      record(ask, Type.TOOL_CALLED, call);
    }
    if (check instanceof ArgumentCheck.Rejected rejected) {
      boolean change = catalog.find(tool).map(r -> r.risk() == Risk.MUTATE).orElse(false);
      record(
          ask,
          change && rejected.reason() == ArgumentCheck.Reason.OVER_LIMITS
              ? Type.OVER_LIMITS
              : Type.TOOL_REJECTED,
          rejected.error());
      metrics.argumentError(rejected.reason().name());
      return ToolResult.error(rejected.error());
    }
    ArgumentCheck.Accepted accepted = (ArgumentCheck.Accepted) check;
    Runbook runbook = accepted.runbook();
    if (runbook.risk() == Risk.MUTATE) {
      return approvals.propose(ask, runbook, accepted.arguments());
    }
    Targets.Binding binding =
        targets.bind(
            runbook,
            accepted.arguments(),
            Targets.Caller.asking(ask.requester(), ask.correlationId()));
    if (binding instanceof Targets.Refused refused) {
      record(ask, Type.TOOL_CALLED, call);
      record(ask, Type.TOOL_REJECTED, runbook.name() + ": " + refused.reason());
      return ToolResult.error(Verdict.NOT_RUN.lead(refused.reason()));
    }
    Outcome outcome =
        ((Targets.Bound) binding)
            .runbook()
            .execute(
                accepted.arguments(), ChangeContext.readOnly(ask.correlationId(), ask.requester()));
    String output = outcome.summary(); // masked inside the action, before anything here sees it
    int masked = maskedValues(output);
    record(
        ask,
        Type.TOOL_CALLED,
        call
            + (masked == 0
                ? ""
                : " (" + masked + (masked == 1 ? " value" : " values") + " masked)"));
    return ToolResult.output(
        truncate(Clusters.named(accepted.arguments(), output), MAX_OUTPUT_CHARS));
  }

  private void record(Ask ask, Type type, String summary) {
    audit.record(type, ask.correlationId(), ask.requester(), summary, ask.channel(), ask.thread());
  }

  /**
   * How many values the action masked in {@code output}: its markers, counted. The cluster could
   * write a marker of its own into a log, which only makes the count larger.
   */
  static int maskedValues(String output) {
    int count = 0;
    String marker = Masking.MARKER_PREFIX;
    for (int at = output.indexOf(marker); at >= 0; at = output.indexOf(marker, at + 1)) {
      count++;
    }
    return count;
  }

  /**
   * Marks cluster output as data. The system prompt tells the model never to follow instructions
   * found inside these tags; code enforces the rest (approvals, limits).
   */
  public static String untrusted(String tool, String output) {
    return "<tool-output tool=\""
        + tool
        + "\" trust=\"untrusted\">\n"
        + truncate(TAG.matcher(output).replaceAll("[tool-output tag removed]"), MAX_OUTPUT_CHARS)
        + "\n</tool-output>";
  }

  /**
   * Any spelling of the wrapper's tags inside the data (case, spaces, {@code _} for {@code -}, a
   * line break before {@code >}), so the data can neither close the wrapper nor open another.
   */
  private static final java.util.regex.Pattern TAG =
      java.util.regex.Pattern.compile("(?i)<\\s{0,16}/?\\s{0,16}tool[\\s_-]{0,16}output");

  public static String truncate(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    return text.substring(0, max) + "\n[truncated: " + (text.length() - max) + " more characters]";
  }
}
