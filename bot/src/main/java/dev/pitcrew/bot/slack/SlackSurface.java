package dev.pitcrew.bot.slack;

import com.slack.api.model.Message;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.Card;
import dev.pitcrew.bot.core.Surface;
import dev.pitcrew.bot.core.Transcript;
import java.util.Map;
import java.util.Optional;
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
public final class SlackSurface implements Surface {
  private static final Logger log = LoggerFactory.getLogger(SlackSurface.class);

  private final SlackCalls calls;

  SlackSurface(SlackCalls calls) {
    this.calls = calls;
  }

  /** Metadata keys a reader of the thread reads back. */
  static final String CORRELATION_ID = "correlation_id";

  static final String VOICE = "voice";
  static final String REQUESTER = "requester";
  static final String QUESTION = "question";

  /** The longest question kept in the root's metadata, as long as a message Pitcrew posts. */
  private static final int MAX_QUESTION = 3000;

  /** Opens the thread for a request; its metadata keeps the question and the correlation ID. */
  public String postRoot(String channel, String requester, String question, String correlationId) {
    return calls.post(
        "root:" + correlationId,
        Map.of(
            CORRELATION_ID,
            correlationId,
            REQUESTER,
            requester,
            QUESTION,
            // Escaped like every string sent: metadata is not shown, but is Slack's to keep.
            SlackText.escape(SlackText.limit(question, MAX_QUESTION))),
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

  /**
   * Opens an alert group's thread. Its metadata is a root's (correlation ID, requester, the alert's
   * summary as the question), so people continue in the thread as in any Pitcrew thread.
   *
   * @return the root's timestamp
   */
  public String postAlertRoot(
      String channel,
      dev.pitcrew.bot.alerts.AlertGroup group,
      String requester,
      String correlationId) {
    return calls.post(
        "root:" + correlationId,
        alertMetadata(group, requester, correlationId),
        r ->
            r.channel(channel)
                .text("Firing: " + SlackText.escape(SlackText.limit(about(group), 300)))
                .blocks(SlackRenderer.alertRoot(group, correlationId, Optional.empty()))
                .unfurlLinks(false)
                .unfurlMedia(false));
  }

  /** Redraws an alert group's root as resolved; a failure is logged, the thread says it anyway. */
  public void markResolved(Ask ask, dev.pitcrew.bot.alerts.AlertGroup group, java.time.Instant at) {
    Map<String, Object> metadata =
        new java.util.LinkedHashMap<>(alertMetadata(group, ask.requester(), ask.correlationId()));
    metadata.put("key", "root:" + ask.correlationId());
    calls.bestEffort(
        "chat.update",
        () ->
            calls
                .methods()
                .chatUpdate(
                    r ->
                        r.channel(ask.channel())
                            .ts(ask.thread())
                            // Kept on the update, so the root still reads back as the thread's.
                            .metadata(new Message.Metadata(SlackCalls.METADATA_EVENT, metadata))
                            .text(
                                "Resolved: " + SlackText.escape(SlackText.limit(about(group), 300)))
                            .blocks(
                                SlackRenderer.alertRoot(
                                    group, ask.correlationId(), Optional.of(at)))));
  }

  private static String about(dev.pitcrew.bot.alerts.AlertGroup group) {
    return group.name() + group.annotation("summary").map(s -> ": " + s).orElse("");
  }

  private static Map<String, Object> alertMetadata(
      dev.pitcrew.bot.alerts.AlertGroup group, String requester, String correlationId) {
    return Map.of(
        CORRELATION_ID,
        correlationId,
        REQUESTER,
        requester,
        QUESTION,
        SlackText.escape(SlackText.limit("Alert " + about(group), MAX_QUESTION)));
  }

  @Override
  public void say(Ask ask, String text) {
    say(ask, Transcript.Voice.PITCREW, text);
  }

  @Override
  public void say(Ask ask, Transcript.Voice voice, String text) {
    try {
      calls.post(
          "say:" + UUID.randomUUID(),
          Map.of(CORRELATION_ID, ask.correlationId(), VOICE, voice.name()),
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
        Map.of(CORRELATION_ID, request.correlationId()),
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
                              // Kept on the update, so the card still reads back as Pitcrew's.
                              .metadata(
                                  new Message.Metadata(
                                      SlackCalls.METADATA_EVENT,
                                      Map.of(
                                          "key",
                                          "card:" + request.id(),
                                          CORRELATION_ID,
                                          request.correlationId())))
                              .text(SlackText.escape(SlackRenderer.cardText(card)))
                              .blocks(SlackRenderer.approvalCard(card))));
    } catch (SlackCallException e) {
      log.error("the card of {} still shows an old state: {}", request.id(), e.getMessage());
    }
  }

  @Override
  public String commandPrefix() {
    return SlackManifest.COMMAND + " ";
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

  @Override
  public Optional<Transcript> transcript(String channel, String thread, String before) {
    try {
      return Optional.of(SlackThreads.read(calls, channel, thread, before));
    } catch (SlackCallException e) {
      log.warn("could not read thread {} in {}: {}", thread, channel, e.getMessage());
      return Optional.empty();
    }
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
