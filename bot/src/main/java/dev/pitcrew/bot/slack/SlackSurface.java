package dev.pitcrew.bot.slack;

import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.Card;
import dev.pitcrew.bot.core.Surface;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows conversations in Slack through the Web API, every call through {@link SlackCalls}: rate
 * limits are waited out, transient failures retried, and posts carry a key so a retry never shows a
 * message twice. Posting the root and the card must work (the request cannot go on without them)
 * and throws when it cannot; a reply, a card update or an ephemeral note that still fails after the
 * retries is logged, so that Slack never stops an approved change from running or being recorded.
 */
final class SlackSurface implements Surface {
  private static final Logger log = LoggerFactory.getLogger(SlackSurface.class);

  private final SlackCalls calls;

  SlackSurface(SlackCalls calls) {
    this.calls = calls;
  }

  /** Opens the thread for a request. */
  String postRoot(String channel, String requester, String question, String correlationId) {
    return calls.post(
        "root:" + correlationId,
        r ->
            r.channel(channel)
                .text(
                    "Request "
                        + correlationId
                        + ": "
                        + SlackText.escape(SlackText.limit(question, 300)))
                .blocks(SlackRenderer.root(requester, question, correlationId))
                .unfurlLinks(false)
                .unfurlMedia(false));
  }

  @Override
  public void say(Ask ask, String text) {
    try {
      calls.post(
          "say:" + UUID.randomUUID(),
          r ->
              r.channel(ask.channel())
                  .threadTs(ask.thread())
                  .text(SlackText.escape(SlackText.limit(text, 3000)))
                  .blocks(SlackRenderer.message(text, ask.correlationId()))
                  .unfurlLinks(false)
                  .unfurlMedia(false));
    } catch (SlackCallException e) {
      log.error("a message for the thread was lost: {}", e.getMessage());
    }
  }

  @Override
  public String showApprovalCard(ApprovalRequest request, Card card) {
    return calls.post(
        "card:" + request.id(),
        r ->
            r.channel(request.channel())
                .threadTs(request.thread())
                .text(SlackText.escape(SlackRenderer.cardText(card)))
                .blocks(SlackRenderer.approvalCard(card))
                .unfurlLinks(false)
                .unfurlMedia(false));
  }

  @Override
  public void updateApprovalCard(ApprovalRequest request, Card card) {
    if (request.card() == null) {
      return;
    }
    try {
      calls.call(
          "chat.update",
          () ->
              calls
                  .methods()
                  .chatUpdate(
                      r ->
                          r.channel(request.channel())
                              .ts(request.card())
                              .text(SlackText.escape(SlackRenderer.cardText(card)))
                              .blocks(SlackRenderer.approvalCard(card))));
    } catch (SlackCallException e) {
      log.error("the card of {} still shows an old state: {}", request.id(), e.getMessage());
    }
  }

  @Override
  public void tell(String channel, String user, String text) {
    calls.bestEffort(
        "chat.postEphemeral",
        () ->
            calls
                .methods()
                .chatPostEphemeral(
                    r -> r.channel(channel).user(user).text(SlackText.escape(text))));
  }

  /** The permalink of a thread's root message, for the audit feed. */
  String permalink(String channel, String messageTs) {
    return calls
        .call(
            "chat.getPermalink",
            () -> calls.methods().chatGetPermalink(r -> r.channel(channel).messageTs(messageTs)))
        .getPermalink();
  }
}
