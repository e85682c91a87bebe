package dev.pitcrew.bot.slack;

import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.handler.builtin.BlockActionHandler;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.response.Response;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.Approvals;
import dev.pitcrew.bot.concurrent.Threads;
import dev.pitcrew.bot.core.ApprovalPath;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The card's buttons ({@code approval_approve}, {@code approval_deny}, {@code approval_undo}): the
 * click is acknowledged at once and decided on the worker; the button's value is only the opaque
 * approval ID, and who clicked is authorized at decision time, never by the payload.
 */
public final class DecisionButtons implements BlockActionHandler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DecisionButtons.class);

  /** The action IDs this handler takes (an interface: the cards carry them). */
  static final List<String> ACTION_IDS =
      List.of(SlackRenderer.APPROVE, SlackRenderer.DENY, SlackRenderer.UNDO);

  private final ApprovalPath path;
  private final Approvals approvals;
  private final AskGate gate;
  private final SlackSurface surface;
  private final Executor workers;

  /**
   * "Busy" notes for clicks the full worker pool refused: sent off the acknowledgement path, and
   * dropped (logged) when even this small queue is full.
   */
  private final ThreadPoolExecutor busyNotices =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(100),
          Threads.daemon("pitcrew-slack-busy-notices"),
          (r, pool) -> log.warn("busy: could not tell a user that their click was not taken"));

  public DecisionButtons(
      ApprovalPath path,
      Approvals approvals,
      AskGate gate,
      SlackSurface surface,
      Executor workers) {
    this.path = path;
    this.approvals = approvals;
    this.gate = gate;
    this.surface = surface;
    this.workers = workers;
  }

  @Override
  public Response apply(BlockActionRequest request, ActionContext ctx) {
    var payload = request.getPayload();
    String user = payload.getUser().getId();
    String channel = payload.getChannel() == null ? null : payload.getChannel().getId();
    payload.getActions().stream()
        .filter(a -> ACTION_IDS.contains(a.getActionId()))
        .findFirst()
        .ifPresent(
            action -> {
              try {
                workers.execute(
                    () -> decide(action.getActionId(), action.getValue(), user, channel));
              } catch (RejectedExecutionException e) {
                busyNotices.execute(
                    () ->
                        surface.tell(
                            channel, user, "Pitcrew is busy right now; click again in a minute."));
              }
            });
    return ctx.ack();
  }

  private void decide(String actionId, String approvalId, String user, String channel) {
    switch (actionId) {
      case SlackRenderer.APPROVE -> path.decisions().approve(approvalId, user, channel);
      case SlackRenderer.DENY -> path.decisions().deny(approvalId, user, channel);
      default -> undo(approvalId, user, channel);
    }
  }

  /** An Undo opens a proposal in the clicker's name: the same check as {@code /ask} first. */
  private void undo(String approvalId, String user, String channel) {
    String correlationId =
        approvals.find(approvalId).map(ApprovalRequest::correlationId).orElse(null);
    Optional<String> refusal = gate.refusal(channel, user, correlationId);
    if (refusal.isPresent()) {
      surface.tell(channel, user, "Sorry: " + refusal.get() + ".");
      return;
    }
    path.undo().undo(approvalId, user, channel);
  }

  @Override
  public void close() {
    busyNotices.shutdownNow();
  }
}
