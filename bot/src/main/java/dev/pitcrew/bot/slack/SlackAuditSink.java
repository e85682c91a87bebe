package dev.pitcrew.bot.slack;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pitcrew.bot.audit.AuditEvent;
import dev.pitcrew.bot.audit.AuditSink;
import java.time.Duration;
import java.util.UUID;

/** Posts every audit event to the audit channel, with a link to the request's thread. */
final class SlackAuditSink implements AuditSink {
  private final SlackCalls calls;
  private final SlackSurface surface;
  private final String channel;
  private final Cache<String, String> links =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofDays(1)).build();

  SlackAuditSink(SlackCalls calls, SlackSurface surface, String channel) {
    this.calls = calls;
    this.surface = surface;
    this.channel = channel;
  }

  @Override
  public void record(AuditEvent event) {
    String text = text(event, link(event));
    calls.post(
        "audit:" + UUID.randomUUID(),
        r -> r.channel(channel).text(text).unfurlLinks(false).unfurlMedia(false));
  }

  static String text(AuditEvent event, String link) {
    return SlackText.inlineCode(event.correlationId())
        + " *"
        + event.type().label()
        + "* · "
        + SlackText.mention(event.actor())
        + " · "
        + SlackText.escape(SlackText.limit(event.summary(), 1_000))
        + (link == null ? "" : " · <" + link + "|thread>");
  }

  private String link(AuditEvent event) {
    if (event.channel() == null || event.thread() == null) {
      return null;
    }
    try {
      return links.get(
          event.channel() + "/" + event.thread(),
          k -> surface.permalink(event.channel(), event.thread()));
    } catch (SlackCallException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "SlackAuditSink[" + channel + "]";
  }
}
