package dev.pitcrew.bot.slack;

import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.handler.builtin.SlashCommandHandler;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import dev.pitcrew.bot.concurrent.LogContext;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.Conversations;
import dev.pitcrew.bot.core.Transcript;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /ask}: acknowledged at once with the correlation ID; on the worker, who may ask is
 * checked, the thread's root is posted and the conversation answers in it.
 */
public final class AskCommand implements SlashCommandHandler {
  private static final Logger log = LoggerFactory.getLogger(AskCommand.class);

  private final AskGate gate;
  private final Conversations conversations;
  private final SlackSurface surface;
  private final Executor workers;

  public AskCommand(
      AskGate gate, Conversations conversations, SlackSurface surface, Executor workers) {
    this.gate = gate;
    this.conversations = conversations;
    this.surface = surface;
    this.workers = workers;
  }

  @Override
  public Response apply(SlashCommandRequest request, SlashCommandContext ctx) {
    var payload = request.getPayload();
    String text = payload.getText() == null ? "" : payload.getText().strip();
    if (text.isEmpty()) {
      return ctx.ack("Usage: /ask <question>, e.g. /ask why is checkout crashlooping in shop?");
    }
    String correlationId = Ask.newCorrelationId();
    String user = payload.getUserId();
    String channel = payload.getChannelId();
    Optional<String> channelRefusal = gate.channelRefusal(channel);
    try {
      workers.execute(() -> work(correlationId, user, channel, text, channelRefusal.isPresent()));
    } catch (RejectedExecutionException e) {
      return ctx.ack("Pitcrew is busy right now; try again in a minute.");
    }
    return ctx.ack(
        channelRefusal
            .map(r -> AskGate.sorry(r, correlationId))
            .orElse("Working on it. Correlation ID `" + correlationId + "`."));
  }

  private void work(
      String correlationId, String user, String channel, String text, boolean ackRefused) {
    try (var ignored = LogContext.correlation(correlationId)) {
      Optional<String> refusal = gate.refusal(channel, user, correlationId);
      if (refusal.isPresent()) {
        if (!ackRefused) { // else the acknowledgement said so
          surface.tell(channel, user, AskGate.sorry(refusal.get(), correlationId));
        }
        return;
      }
      String root;
      try {
        root = surface.postRoot(channel, user, text, correlationId);
      } catch (SlackCallException e) {
        log.error("cannot open a thread: {}", e.getMessage());
        return;
      }
      conversations.handle(new Ask(correlationId, user, channel, root), text, Transcript.empty());
    }
  }
}
