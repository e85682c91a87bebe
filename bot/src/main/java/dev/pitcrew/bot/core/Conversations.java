package dev.pitcrew.bot.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitcrew.bot.audit.Audit;
import dev.pitcrew.bot.audit.AuditEvent.Type;
import dev.pitcrew.bot.concurrent.LogContext;
import dev.pitcrew.bot.metrics.Metrics;
import dev.pitcrew.remediations.Risk;
import dev.pitcrew.runbooks.Runbook;
import dev.pitcrew.runbooks.RunbookCatalog;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one request in its conversation: {@code help}, {@code runbooks}, {@code run <runbook>
 * key=value ...} without any model, or a question for the assistant. The same for Slack and the
 * terminal; only the {@link Surface} differs.
 */
public final class Conversations {
  private static final Logger log = LoggerFactory.getLogger(Conversations.class);

  private final Optional<Assistant> assistant;
  private final RunbookCatalog catalog;
  private final ToolRunner tools;
  private final Surface surface;
  private final Audit audit;
  private final Metrics metrics;
  private final Usage usage;

  public Conversations(
      Optional<Assistant> assistant,
      RunbookCatalog catalog,
      ToolRunner tools,
      Surface surface,
      Audit audit,
      Metrics metrics,
      Usage usage) {
    this.metrics = metrics;
    this.usage = usage;
    this.assistant = assistant;
    this.catalog = catalog;
    this.tools = tools;
    this.surface = surface;
    this.audit = audit;
  }

  public boolean hasAssistant() {
    return assistant.isPresent();
  }

  /** How a request ended, as shown on its surface; the eval scores by kind, not by words. */
  public record Reply(Kind kind, String text) {
    public enum Kind {
      /** An explicit command's output (or nothing more than its card). */
      COMMAND,
      /** The model's answer. */
      ANSWER,
      /** Refused before any work: over the hourly limits. */
      NOT_TAKEN,
      /** A question without a configured model. */
      NO_MODEL,
      /** The model endpoint failed. */
      MODEL_UNAVAILABLE,
      /** The request broke; the log has it. */
      FAILED
    }
  }

  /** A request on a surface that keeps no durable thread (the terminal, the eval). */
  public Reply handle(Ask ask, String text) {
    return handle(ask, text, Optional.empty());
  }

  /**
   * A request in a thread that showed {@code earlier} before it: any replica, after any restart,
   * continues the conversation from what the thread durably holds.
   */
  public Reply handle(Ask ask, String text, Transcript earlier) {
    return handle(ask, text, Optional.of(earlier));
  }

  private Reply handle(Ask ask, String text, Optional<Transcript> earlier) {
    try (var ignored = LogContext.correlation(ask.correlationId())) {
      audit.record(
          Type.ASKED, ask.correlationId(), ask.requester(), text, ask.channel(), ask.thread());
      Optional<String> over = usage.ask(ask.requester());
      if (over.isPresent()) {
        audit.record(
            Type.ASK_REFUSED,
            ask.correlationId(),
            ask.requester(),
            over.get(),
            ask.channel(),
            ask.thread());
        return said(ask, new Reply(Reply.Kind.NOT_TAKEN, "Not taken: " + over.get() + "."));
      }
      String command = text.strip();
      metrics.ask(
          command.equals("help")
                  || command.startsWith("help ")
                  || command.equals("runbooks")
                  || command.startsWith("run ")
              ? "command"
              : "question");
      if (command.equals("help")) {
        return said(ask, new Reply(Reply.Kind.COMMAND, help()));
      } else if (command.startsWith("help ")) {
        return said(
            ask, new Reply(Reply.Kind.COMMAND, help(command.substring("help ".length()).strip())));
      } else if (command.equals("runbooks")) {
        return said(ask, new Reply(Reply.Kind.COMMAND, runbooks(ask.requester())));
      } else if (ExplicitCommand.runbookOf(command).isPresent()) {
        return run(ask, command);
      } else {
        return answer(ask, command, earlier);
      }
    }
  }

  private Reply said(Ask ask, Reply reply) {
    surface.say(ask, reply.text());
    return reply;
  }

  /**
   * A change from this conversation finished: the assistant, if the model took part in the thread,
   * says what it means and what to do next. The thread is read back here, on whichever replica ran
   * the change.
   */
  public void afterChange(Ask ask, String summary) {
    if (assistant.isEmpty()) {
      return;
    }
    try (var ignored = LogContext.correlation(ask.correlationId())) {
      // The catch is inside the scope: a catch of the try-with-resources itself would log after
      // the correlation ID is gone.
      try {
        Optional<Transcript> thread = surface.transcript(ask.channel(), ask.thread(), null);
        assistant
            .get()
            .afterChange(ask, summary, thread)
            .ifPresent(text -> surface.say(ask, Transcript.Voice.MODEL, text));
      } catch (AssistantUnavailableException e) {
        log.warn("assistant unavailable for a follow-up: {}", e.getMessage());
      }
    }
  }

  private Reply run(Ask ask, String command) {
    String name = ExplicitCommand.runbookOf(command).orElseThrow();
    Optional<Runbook> runbook = catalog.find(name);
    if (runbook.isEmpty()) {
      return said(ask, new Reply(Reply.Kind.COMMAND, noSuchRunbook(name)));
    }
    ExplicitCommand parsed;
    try {
      parsed = ExplicitCommand.parse(command, runbook.get().toolSpec().parameters());
    } catch (IllegalArgumentException e) {
      return said(
          ask,
          new Reply(
              Reply.Kind.COMMAND,
              "Cannot run " + name + ": " + e.getMessage() + ". " + usage(runbook.get())));
    }
    ToolResult result = tools.run(ask, parsed.runbook(), parsed.arguments().toString());
    switch (result.kind()) {
      case ERROR -> {
        return said(
            ask, new Reply(Reply.Kind.COMMAND, result.text() + "\n" + usage(runbook.get())));
      }
      case APPROVAL_REQUESTED -> {
        return new Reply(Reply.Kind.COMMAND, result.text()); // the card says it all
      }
      case CLUSTER_OUTPUT -> {
        surface.say(ask, Transcript.Voice.CLUSTER, result.text());
        return new Reply(Reply.Kind.COMMAND, result.text());
      }
      default -> {
        return said(ask, new Reply(Reply.Kind.COMMAND, result.text()));
      }
    }
  }

  private Reply answer(Ask ask, String question, Optional<Transcript> earlier) {
    if (assistant.isEmpty()) {
      return said(
          ask,
          new Reply(
              Reply.Kind.NO_MODEL,
              "No LLM is configured (set OPENAI_API_KEY or OPENAI_BASE_URL, and PITCREW_MODEL),"
                  + " so questions cannot be answered; explicit commands work: "
                  + commands("run <runbook> key=value ...", "runbooks", "help")
                  + "."));
    }
    try {
      String answer = assistant.get().answer(ask, question, earlier);
      surface.say(ask, Transcript.Voice.MODEL, answer);
      audit.record(
          Type.ANSWERED, ask.correlationId(), "pitcrew", answer, ask.channel(), ask.thread());
      return new Reply(Reply.Kind.ANSWER, answer);
    } catch (AssistantUnavailableException e) {
      log.warn("assistant unavailable: {}", e.getMessage());
      return said(
          ask,
          new Reply(
              Reply.Kind.MODEL_UNAVAILABLE,
              "The LLM is unavailable: "
                  + e.getMessage()
                  + ". Explicit commands still work ("
                  + commands("run <runbook> key=value ...", "help")
                  + ")."));
    } catch (RuntimeException e) {
      log.error("request failed", e);
      return said(
          ask,
          new Reply(
              Reply.Kind.FAILED,
              "Something went wrong while handling this request; the log has the details under"
                  + " this message's correlation ID."));
    }
  }

  /** That there is no runbook {@code name}, the nearest that is, and how to list them. */
  private String noSuchRunbook(String name) {
    return "There is no runbook "
        + name
        + "."
        + nearest(name)
        + " Type "
        + surface.commandPrefix()
        + "runbooks to list them.";
  }

  /** " Did you mean X?" for the loaded runbook nearest to a mistyped name, or empty text. */
  private String nearest(String name) {
    return Names.nearest(name, catalog.runbooks().stream().map(Runbook::name).toList())
        .map(n -> " Did you mean " + n + "?")
        .orElse("");
  }

  private String help() {
    return "Ask a question in plain words"
        + (assistant.isPresent() ? "" : " (needs an LLM; none is configured)")
        + ", or use a command:\n"
        + String.format(
            "  %1$srun <runbook> key=value ...   run a runbook; changes need an approval\n"
                + "  %1$srunbooks                      list the runbooks and their parameters\n"
                + "  %1$shelp <runbook>                its parameters and limits\n"
                + "  %1$shelp                          this text\n"
                + "Example: %1$s",
            surface.commandPrefix())
        + "run deployment_status namespace=shop name=checkout";
  }

  /** {@code help <runbook>}: what it does, its parameters with their rules, its limits. */
  private String help(String name) {
    Optional<Runbook> found = catalog.find(name);
    if (found.isEmpty()) {
      return noSuchRunbook(name);
    }
    Runbook runbook = found.get();
    StringBuilder text =
        new StringBuilder(runbook.name())
            .append(runbook.risk() == Risk.MUTATE ? " (needs approval)" : " (read-only)")
            .append('\n')
            .append(runbook.description().strip())
            .append("\nUsage: ")
            .append(usage(runbook))
            .append("\nParameters:");
    var schema = runbook.toolSpec().parameters();
    var required = new java.util.HashSet<String>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            p ->
                text.append("\n  ")
                    .append(p.getKey())
                    .append(required.contains(p.getKey()) ? " (required): " : " (optional): ")
                    .append(ParameterRules.describe(p.getValue())));
    String limits = ParameterRules.limits(runbook);
    if (!limits.isEmpty()) {
      text.append("\nLimits: ").append(limits);
    }
    return text.toString();
  }

  /** The runbooks {@code requester} may use somewhere, as the model is offered them. */
  private String runbooks(String requester) {
    String listed =
        catalog.runbooks().stream()
            .filter(r -> tools.offers(requester, r.name()))
            .map(
                r ->
                    (r.risk() == Risk.MUTATE ? "[needs approval] " : "[read-only] ")
                        + usage(r)
                        + "\n    "
                        + r.description().lines().findFirst().orElse(""))
            .collect(Collectors.joining("\n"));
    return listed.isEmpty() ? "The policy lets you use no runbook here." : listed;
  }

  private static String enumValues(JsonNode values) {
    List<String> all = new java.util.ArrayList<>();
    values.forEach(v -> all.add(v.asText()));
    return String.join("|", all);
  }

  /** Commands as a person types them here, listed. */
  private String commands(String... commands) {
    return java.util.Arrays.stream(commands)
        .map(c -> surface.commandPrefix() + c)
        .collect(Collectors.joining(", "));
  }

  /** {@code run NAME key=<type> ...} as typed here; an enum's values in place of its type. */
  private String usage(Runbook runbook) {
    return surface.commandPrefix() + runUsage(runbook);
  }

  private static String runUsage(Runbook runbook) {
    var schema = runbook.toolSpec().parameters();
    var required = new java.util.HashSet<String>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    StringBuilder usage = new StringBuilder("run ").append(runbook.name());
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            p -> {
              JsonNode values = p.getValue().path("enum");
              String type = p.getValue().path("type").asText("value");
              String pair =
                  values.isArray() && values.size() > 0
                      ? p.getKey() + "=" + enumValues(values)
                      : p.getKey() + "=<" + (type.isEmpty() ? "value" : type) + ">";
              usage.append(' ').append(required.contains(p.getKey()) ? pair : "[" + pair + "]");
            });
    return usage.toString();
  }
}
