package dev.pitcrew.bot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.request.chat.ChatPostMessageRequest;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.model.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path for Slack Web API calls. A 429 waits what {@code Retry-After} says; a 5xx, a reset
 * or a timeout is retried with backoff; an answer Slack gives on purpose ({@code
 * channel_not_found}) is not. A post that may have landed although its answer was lost is looked up
 * by the key in its message metadata before it is sent again, so a card or a result is never shown
 * twice.
 */
final class SlackCalls {
  private static final Logger log = LoggerFactory.getLogger(SlackCalls.class);

  /** The metadata event type on every message Pitcrew posts with a key. */
  static final String METADATA_EVENT = "pitcrew_message";

  /** Errors Slack answers with HTTP 200 that mean "try again", not "you asked wrong". */
  private static final Set<String> TRANSIENT_ERRORS =
      Set.of("internal_error", "fatal_error", "service_unavailable", "request_timeout");

  /** How hard to try. */
  record Retries(int attempts, Duration firstBackoff, Duration longestWait) {
    static Retries defaults() {
      return new Retries(5, Duration.ofMillis(500), Duration.ofSeconds(30));
    }
  }

  /** How to wait between attempts. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  @FunctionalInterface
  interface SlackCall<T extends SlackApiTextResponse> {
    T call() throws IOException, SlackApiException;
  }

  private final MethodsClient methods;
  private final Retries retries;
  private final Sleeper sleeper;

  SlackCalls(MethodsClient methods, Retries retries, Sleeper sleeper) {
    this.methods = methods;
    this.retries = retries;
    this.sleeper = sleeper;
  }

  static SlackCalls of(MethodsClient methods) {
    return new SlackCalls(methods, Retries.defaults(), d -> Thread.sleep(d.toMillis()));
  }

  MethodsClient methods() {
    return methods;
  }

  /**
   * Calls {@code method}, retrying what is worth retrying.
   *
   * @throws SlackCallException once retries are spent, or at once for an error Slack means
   */
  <T extends SlackApiTextResponse> T call(String method, SlackCall<T> call) {
    return call(method, call, null);
  }

  /**
   * Posts a message whose metadata carries {@code key}. After a failure that may hide a post that
   * landed (a 5xx, a reset, a timeout), the conversation is searched for the key first, and the
   * message found is the answer.
   *
   * @return the message's timestamp
   */
  String post(String key, UnaryOperator<ChatPostMessageRequest.ChatPostMessageRequestBuilder> req) {
    return post(key, Map.of(), req);
  }

  /**
   * As {@link #post(String, UnaryOperator)}, with more in the metadata's payload: what a reader of
   * the thread needs back (its correlation ID, whose words a message is).
   */
  String post(
      String key,
      Map<String, Object> payload,
      UnaryOperator<ChatPostMessageRequest.ChatPostMessageRequestBuilder> req) {
    Map<String, Object> all = new java.util.LinkedHashMap<>(payload);
    all.put("key", key);
    ChatPostMessageRequest request =
        req.apply(ChatPostMessageRequest.builder())
            .metadata(new Message.Metadata(METADATA_EVENT, all))
            .build();
    ChatPostMessageResponse response =
        call(
            "chat.postMessage",
            () -> methods.chatPostMessage(request),
            () -> find(request.getChannel(), request.getThreadTs(), key));
    return response.getTs();
  }

  /** Like {@link #call}, but never throws: for what may be lost without harm; logs instead. */
  void bestEffort(String method, SlackCall<?> call) {
    try {
      call(method, call);
    } catch (SlackCallException e) {
      log.warn("{}", e.getMessage());
    }
  }

  @FunctionalInterface
  private interface Lookup {
    Optional<String> find() throws IOException, SlackApiException;
  }

  @SuppressWarnings("unchecked")
  private <T extends SlackApiTextResponse> T call(String method, SlackCall<T> call, Lookup landed) {
    boolean mayHaveLanded = false;
    String last = "not tried";
    for (int attempt = 1; attempt <= retries.attempts(); attempt++) {
      if (mayHaveLanded && landed != null) {
        Optional<String> found = lookup(method, landed);
        if (found.isPresent()) {
          return (T) landedAs(found.get());
        }
      }
      Duration wait;
      try {
        T response = call.call();
        if (response.isOk()) {
          return response;
        }
        if (!TRANSIENT_ERRORS.contains(response.getError())) {
          throw new SlackCallException(method + " failed: " + response.getError(), null);
        }
        last = response.getError();
        mayHaveLanded = true;
        wait = backoff(attempt);
      } catch (SlackApiException e) {
        int status = e.getResponse().code();
        last = "HTTP " + status;
        if (status == 429) {
          wait = retryAfter(e).orElse(backoff(attempt)); // refused, so nothing landed
        } else if (status >= 500) {
          mayHaveLanded = true;
          wait = backoff(attempt);
        } else {
          throw new SlackCallException(method + " failed: HTTP " + status, e);
        }
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + ": " + e.getMessage();
        mayHaveLanded = true;
        wait = backoff(attempt);
      }
      if (attempt == retries.attempts()) {
        break;
      }
      log.info("{} failed ({}); retrying in {} ms", method, last, wait.toMillis());
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SlackCallException(method + " interrupted while waiting to retry", e);
      }
    }
    if (mayHaveLanded && landed != null) {
      Optional<String> found = lookup(method, landed);
      if (found.isPresent()) {
        return (T) landedAs(found.get());
      }
    }
    throw new SlackCallException(
        method + " failed after " + retries.attempts() + " attempts: " + last, null);
  }

  private static ChatPostMessageResponse landedAs(String ts) {
    log.info("chat.postMessage: an earlier attempt had landed as {}; not posting again", ts);
    ChatPostMessageResponse already = new ChatPostMessageResponse();
    already.setOk(true);
    already.setTs(ts);
    return already;
  }

  private Optional<String> lookup(String method, Lookup landed) {
    try {
      return landed.find();
    } catch (IOException | SlackApiException | RuntimeException e) {
      // Cannot tell: posting again risks a duplicate, not posting risks a loss. A duplicate card is
      // still exactly-once (the buttons carry one approval ID), a lost one is invisible.
      log.warn("{}: could not check whether an earlier attempt landed: {}", method, e.toString());
      return Optional.empty();
    }
  }

  /** The message in the thread (or the channel, for a root) whose metadata carries {@code key}. */
  private Optional<String> find(String channel, String thread, String key)
      throws IOException, SlackApiException {
    List<Message> messages;
    if (thread != null) {
      var replies =
          methods.conversationsReplies(
              r -> r.channel(channel).ts(thread).includeAllMetadata(true).limit(200));
      if (!replies.isOk()) {
        throw new IOException("conversations.replies: " + replies.getError());
      }
      messages = replies.getMessages();
    } else {
      var history =
          methods.conversationsHistory(r -> r.channel(channel).includeAllMetadata(true).limit(50));
      if (!history.isOk()) {
        throw new IOException("conversations.history: " + history.getError());
      }
      messages = history.getMessages();
    }
    if (messages == null) {
      return Optional.empty();
    }
    return messages.stream()
        .filter(
            m -> m.getMetadata() != null && METADATA_EVENT.equals(m.getMetadata().getEventType()))
        .filter(
            m ->
                m.getMetadata().getEventPayload() != null
                    && key.equals(String.valueOf(m.getMetadata().getEventPayload().get("key"))))
        .map(Message::getTs)
        .findFirst();
  }

  private Duration backoff(int attempt) {
    long millis = retries.firstBackoff().toMillis() << Math.min(attempt - 1, 10);
    return Duration.ofMillis(Math.min(millis, retries.longestWait().toMillis()));
  }

  private Optional<Duration> retryAfter(SlackApiException e) {
    String header = e.getResponse().header("Retry-After");
    if (header == null) {
      return Optional.empty();
    }
    try {
      long seconds = Long.parseLong(header.strip());
      Duration wait = Duration.ofSeconds(Math.max(0, seconds));
      return Optional.of(wait.compareTo(retries.longestWait()) > 0 ? retries.longestWait() : wait);
    } catch (NumberFormatException notSeconds) {
      return Optional.empty();
    }
  }
}
