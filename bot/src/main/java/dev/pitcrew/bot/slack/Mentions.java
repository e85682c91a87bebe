package dev.pitcrew.bot.slack;

import com.slack.api.app_backend.events.payload.EventsApiPayload;
import com.slack.api.bolt.context.builtin.EventContext;
import com.slack.api.bolt.handler.BoltEventHandler;
import com.slack.api.bolt.response.Response;
import com.slack.api.model.event.AppMentionEvent;
import dev.pitcrew.approvals.Claims;
import dev.pitcrew.bot.concurrent.LogContext;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.Conversations;
import dev.pitcrew.bot.core.Transcript;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code @pitcrew ...} in a channel or a thread: acknowledged at once; on the worker, the event is
 * claimed once across replicas, and the thread is continued with its own correlation ID and what it
 * showed before, read back from Slack, so the answer does not depend on which replica took the
 * event or whether it restarted.
 */
public final class Mentions implements BoltEventHandler<AppMentionEvent> {
  private static final Logger log = LoggerFactory.getLogger(Mentions.class);

  private final Claims claims;
  private final AskGate gate;
  private final Conversations conversations;
  private final SlackSurface surface;
  private final Executor workers;

  public Mentions(
      Claims claims,
      AskGate gate,
      Conversations conversations,
      SlackSurface surface,
      Executor workers) {
    this.claims = claims;
    this.gate = gate;
    this.conversations = conversations;
    this.surface = surface;
    this.workers = workers;
  }

  @Override
  public Response apply(EventsApiPayload<AppMentionEvent> payload, EventContext ctx) {
    AppMentionEvent event = payload.getEvent();
    String thread = event.getThreadTs() != null ? event.getThreadTs() : event.getTs();
    String text = SlackText.withoutMentions(event.getText());
    try {
      workers.execute(
          () ->
              mentioned(
                  payload.getEventId(),
                  event.getChannel(),
                  event.getUser(),
                  thread,
                  event.getTs(),
                  text));
    } catch (RejectedExecutionException e) {
      log.warn("busy: dropped a mention in {}", event.getChannel());
    }
    return ctx.ack();
  }

  private void mentioned(
      String eventId, String channel, String user, String thread, String ts, String text) {
    if (eventId != null && !firstDelivery(eventId)) {
      log.info("event {} was taken by another delivery; not answered again", eventId);
      return;
    }
    Transcript earlier = surface.transcript(channel, thread, ts).orElse(Transcript.empty());
    String correlationId = earlier.correlationId().orElseGet(Ask::newCorrelationId);
    try (var ignored = LogContext.correlation(correlationId)) {
      Optional<String> refusal = gate.refusal(channel, user, correlationId);
      if (refusal.isPresent()) {
        surface.tell(channel, user, AskGate.sorry(refusal.get(), correlationId));
      } else if (!text.isEmpty()) {
        conversations.handle(new Ask(correlationId, user, channel, thread), text, earlier);
      }
    }
  }

  /**
   * Whether this is the first delivery of Slack event {@code eventId} to any replica: claimed in
   * the store they share. A network call: on the worker, never before the acknowledgement.
   */
  private boolean firstDelivery(String eventId) {
    try {
      return claims.claim("slack-event:" + eventId, Duration.ofHours(1));
    } catch (RuntimeException e) {
      // Answering twice is better than never: Slack re-delivers only what it thinks lost.
      log.warn("could not claim Slack event {}; answering it: {}", eventId, e.toString());
      return true;
    }
  }
}
