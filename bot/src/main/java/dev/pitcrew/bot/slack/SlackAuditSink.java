package dev.pitcrew.bot.slack;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pitcrew.bot.audit.AuditEvent;
import dev.pitcrew.bot.audit.AuditSink;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Posts audit events to the audit channel, one line each with its correlation ID and a link to the
 * request's thread. Events handed over together (a second's worth, see {@link
 * dev.pitcrew.bot.audit.AsyncAuditSink}) go out as one message: Slack allows about one message per
 * second per channel.
 */
final class SlackAuditSink implements AuditSink {
  private final SlackCalls calls;
  private final SlackSurface surface;
  private final String channel;
  private final Supplier<Optional<String>> workspaceUrl;
  private final Cache<String, String> links =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofDays(1)).build();

  SlackAuditSink(
      SlackCalls calls,
      SlackSurface surface,
      String channel,
      Supplier<Optional<String>> workspaceUrl) {
    this.calls = calls;
    this.surface = surface;
    this.channel = channel;
    this.workspaceUrl = workspaceUrl;
  }

  @Override
  public void record(AuditEvent event) {
    recordAll(List.of(event));
  }

  @Override
  public void recordAll(List<AuditEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    String text = events.stream().map(e -> text(e, link(e))).collect(Collectors.joining("\n"));
    calls.post(
        "audit:" + UUID.randomUUID(),
        r -> r.channel(channel).text(text).unfurlLinks(false).unfurlMedia(false));
  }

  /** The line's length, with room for a permalink (measured without asking Slack for it). */
  @Override
  public int size(AuditEvent event) {
    return text(event, null).length() + 120;
  }

  static String text(AuditEvent event, String link) {
    return SlackText.inlineCode(event.correlationId())
        + " *"
        + event.type().label()
        + "* · "
        + SlackText.mention(event.actor())
        + " · "
        + SlackText.escape(SlackText.limit(event.summary(), 1_000)).replace('\n', ' ')
        + (link == null ? "" : " · <" + link + "|thread>");
  }

  /**
   * The thread's permalink: built from the workspace address auth.test gave ({@code
   * https://acme.slack.com/archives/C1/p1700000000123456}, Slack's own form), so a busy feed makes
   * no call for it; asked of chat.getPermalink only when that address is unknown.
   */
  private String link(AuditEvent event) {
    if (event.channel() == null || event.thread() == null) {
      return null;
    }
    Optional<String> base = workspaceUrl.get();
    if (base.isPresent()) {
      return permalink(base.get(), event.channel(), event.thread());
    }
    try {
      return links.get(
          event.channel() + "/" + event.thread(),
          k -> surface.permalink(event.channel(), event.thread()));
    } catch (SlackCallException e) {
      return null;
    }
  }

  static String permalink(String workspaceUrl, String channel, String ts) {
    return (workspaceUrl.endsWith("/") ? workspaceUrl : workspaceUrl + "/")
        + "archives/"
        + channel
        + "/p"
        + ts.replace(".", "");
  }

  @Override
  public String toString() {
    return "SlackAuditSink[" + channel + "]";
  }
}
