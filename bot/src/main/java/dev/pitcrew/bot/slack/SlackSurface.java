package dev.pitcrew.bot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalRule;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.Surface;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows conversations in Slack through the Web API. Posting the root and the card must work (the
 * request cannot go on without them); replies, card updates and ephemeral notes are best effort so
 * that a Slack hiccup never stops an approved change from running or being recorded.
 */
final class SlackSurface implements Surface {
  private static final Logger log = LoggerFactory.getLogger(SlackSurface.class);

  private final MethodsClient methods;

  SlackSurface(MethodsClient methods) {
    this.methods = methods;
  }

  /** Opens the thread for a request. */
  String postRoot(String channel, String requester, String question, String correlationId) {
    return call(
            "chat.postMessage",
            () ->
                methods.chatPostMessage(
                    r ->
                        r.channel(channel)
                            .text(
                                "Request "
                                    + correlationId
                                    + ": "
                                    + SlackText.escape(SlackText.limit(question, 300)))
                            .blocks(SlackRenderer.root(requester, question, correlationId))
                            .unfurlLinks(false)
                            .unfurlMedia(false)))
        .getTs();
  }

  @Override
  public void say(Ask ask, String text) {
    bestEffort(
        "chat.postMessage",
        () ->
            methods.chatPostMessage(
                r ->
                    r.channel(ask.channel())
                        .threadTs(ask.thread())
                        .text(SlackText.escape(SlackText.limit(text, 3000)))
                        .blocks(SlackRenderer.message(text, ask.correlationId()))
                        .unfurlLinks(false)
                        .unfurlMedia(false)));
  }

  @Override
  public String showApprovalCard(ApprovalRequest request, ApprovalRule rule) {
    return call(
            "chat.postMessage",
            () ->
                methods.chatPostMessage(
                    r ->
                        r.channel(request.channel())
                            .threadTs(request.thread())
                            .text(SlackText.escape(SlackRenderer.cardText(request)))
                            .blocks(SlackRenderer.approvalCard(request, rule))
                            .unfurlLinks(false)
                            .unfurlMedia(false)))
        .getTs();
  }

  @Override
  public void updateApprovalCard(ApprovalRequest request, ApprovalRule rule) {
    if (request.card() == null) {
      return;
    }
    bestEffort(
        "chat.update",
        () ->
            methods.chatUpdate(
                r ->
                    r.channel(request.channel())
                        .ts(request.card())
                        .text(SlackText.escape(SlackRenderer.cardText(request)))
                        .blocks(SlackRenderer.approvalCard(request, rule))));
  }

  @Override
  public void tell(String channel, String user, String text) {
    bestEffort(
        "chat.postEphemeral",
        () ->
            methods.chatPostEphemeral(
                r -> r.channel(channel).user(user).text(SlackText.escape(text))));
  }

  /** The permalink of a thread's root message, for the audit feed. */
  String permalink(String channel, String messageTs) {
    return call(
            "chat.getPermalink",
            () -> methods.chatGetPermalink(r -> r.channel(channel).messageTs(messageTs)))
        .getPermalink();
  }

  @FunctionalInterface
  interface SlackCall<T extends SlackApiTextResponse> {
    T call() throws IOException, SlackApiException;
  }

  static <T extends SlackApiTextResponse> T call(String method, SlackCall<T> call) {
    T response;
    try {
      response = call.call();
    } catch (IOException | SlackApiException e) {
      throw new SlackCallException(method + " failed: " + e.getMessage(), e);
    }
    if (!response.isOk()) {
      throw new SlackCallException(method + " failed: " + response.getError(), null);
    }
    return response;
  }

  private static void bestEffort(String method, SlackCall<?> call) {
    try {
      call(method, call);
    } catch (SlackCallException e) {
      log.warn("{}", e.getMessage());
    }
  }
}
