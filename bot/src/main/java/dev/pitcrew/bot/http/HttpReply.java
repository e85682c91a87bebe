package dev.pitcrew.bot.http;

import java.util.Map;

/** A response to write back. */
public record HttpReply(int status, String contentType, String body, Map<String, String> headers) {
  public static HttpReply text(int status, String body) {
    return new HttpReply(status, "text/plain; charset=utf-8", body, Map.of());
  }
}
