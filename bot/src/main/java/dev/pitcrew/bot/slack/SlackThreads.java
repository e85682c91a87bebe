package dev.pitcrew.bot.slack;

import com.slack.api.model.Message;
import dev.pitcrew.bot.core.Transcript;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a thread back as a {@link Transcript}. Pitcrew's own messages carry metadata saying whose
 * words they are (the root also keeps the question and who asked it, and each its correlation ID);
 * every other message is a person's.
 */
final class SlackThreads {
  /** Pages of 200 replies read at most: a thread past 1,000 messages loses its newest turns. */
  private static final int PAGES = 5;

  private SlackThreads() {}

  /**
   * @throws SlackCallException if Slack cannot be read after the retries
   */
  static Transcript read(SlackCalls calls, String channel, String thread, String before) {
    List<Message> messages = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < PAGES; page++) {
      String from = cursor;
      var replies =
          calls.call(
              "conversations.replies",
              () ->
                  calls
                      .methods()
                      .conversationsReplies(
                          r ->
                              r.channel(channel)
                                  .ts(thread)
                                  .includeAllMetadata(true)
                                  .limit(200)
                                  .cursor(from)));
      if (replies.getMessages() != null) {
        messages.addAll(replies.getMessages());
      }
      cursor =
          replies.getResponseMetadata() == null
              ? null
              : replies.getResponseMetadata().getNextCursor();
      if (cursor == null || cursor.isEmpty()) {
        break;
      }
    }
    Optional<String> correlationId = Optional.empty();
    List<Transcript.Entry> entries = new ArrayList<>();
    for (Message m : messages) {
      if (before != null && m.getTs() != null && !earlier(m.getTs(), before)) {
        continue;
      }
      Map<String, Object> payload = pitcrews(m);
      if (payload == null) {
        String who = m.getUser() != null ? m.getUser() : String.valueOf(m.getBotId());
        entries.add(
            new Transcript.Entry(
                Transcript.Voice.PERSON,
                who,
                SlackText.unescape(SlackText.withoutMentions(m.getText()))));
        continue;
      }
      if (correlationId.isEmpty()) {
        correlationId = correlationId(payload);
      }
      String question = text(payload.get(SlackSurface.QUESTION));
      if (question != null) {
        String requester = text(payload.get(SlackSurface.REQUESTER));
        // An alert's root holds the alert's own text: data from whoever could write the alert
        // rule or its labels, never a person's words to the model.
        boolean alert =
            requester != null
                && requester.startsWith(dev.pitcrew.bot.core.Ask.ALERT_REQUESTER_PREFIX);
        entries.add(
            new Transcript.Entry(
                alert ? Transcript.Voice.CLUSTER : Transcript.Voice.PERSON,
                requester,
                SlackText.unescape(question)));
      } else {
        entries.add(
            new Transcript.Entry(
                voice(payload.get(SlackSurface.VOICE)),
                "pitcrew",
                SlackText.unescape(String.valueOf(m.getText()))));
      }
    }
    return new Transcript(correlationId, entries);
  }

  /** The metadata payload of a message Pitcrew posted, or null for anyone else's. */
  private static Map<String, Object> pitcrews(Message m) {
    return m.getMetadata() != null
            && SlackCalls.METADATA_EVENT.equals(m.getMetadata().getEventType())
            && m.getMetadata().getEventPayload() != null
        ? m.getMetadata().getEventPayload()
        : null;
  }

  /** From the payload, or from the key of a root posted before payloads carried it. */
  private static Optional<String> correlationId(Map<String, Object> payload) {
    String id = text(payload.get(SlackSurface.CORRELATION_ID));
    if (id != null) {
      return Optional.of(id);
    }
    String key = text(payload.get("key"));
    return key != null && key.startsWith("root:")
        ? Optional.of(key.substring("root:".length()))
        : Optional.empty();
  }

  private static Transcript.Voice voice(Object value) {
    try {
      return value == null
          ? Transcript.Voice.PITCREW
          : Transcript.Voice.valueOf(String.valueOf(value));
    } catch (IllegalArgumentException unknown) {
      return Transcript.Voice.PITCREW;
    }
  }

  private static String text(Object value) {
    return value == null ? null : String.valueOf(value);
  }

  /** Slack timestamps ({@code 1700000000.000123}) compared as the decimals they are. */
  static boolean earlier(String ts, String than) {
    try {
      return new BigDecimal(ts).compareTo(new BigDecimal(than)) < 0;
    } catch (NumberFormatException e) {
      return ts.compareTo(than) < 0;
    }
  }
}
