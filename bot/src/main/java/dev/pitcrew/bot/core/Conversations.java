package dev.pitcrew.bot.core;

import dev.pitcrew.bot.audit.Audit;
import dev.pitcrew.bot.audit.AuditEvent.Type;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Handles one question in its thread: audit, ask the assistant, post the answer. */
public final class Conversations {
  private static final Logger log = LoggerFactory.getLogger(Conversations.class);

  private final Optional<Assistant> assistant;
  private final Surface surface;
  private final Audit audit;

  public Conversations(Optional<Assistant> assistant, Surface surface, Audit audit) {
    this.assistant = assistant;
    this.surface = surface;
    this.audit = audit;
  }

  public void handle(Ask ask, String question) {
    try (var ignored = MDC.putCloseable("correlation_id", ask.correlationId())) {
      audit.record(
          Type.ASKED, ask.correlationId(), ask.requester(), question, ask.channel(), ask.thread());
      if (assistant.isEmpty()) {
        surface.say(
            ask,
            "No LLM is configured (set OPENAI_API_KEY or OPENAI_BASE_URL, and PITCREW_MODEL),"
                + " so I cannot answer questions. Correlation ID "
                + ask.correlationId()
                + ".");
        return;
      }
      try {
        String answer = assistant.get().answer(ask, question);
        surface.say(ask, answer);
        audit.record(
            Type.ANSWERED, ask.correlationId(), "pitcrew", answer, ask.channel(), ask.thread());
      } catch (AssistantUnavailableException e) {
        log.warn("assistant unavailable: {}", e.getMessage());
        surface.say(
            ask,
            "The LLM is unavailable: "
                + e.getMessage()
                + ". Correlation ID "
                + ask.correlationId()
                + ".");
      } catch (RuntimeException e) {
        log.error("request failed", e);
        surface.say(
            ask,
            "Something went wrong while handling this request; the log has the details under"
                + " correlation ID "
                + ask.correlationId()
                + ".");
      }
    }
  }
}
