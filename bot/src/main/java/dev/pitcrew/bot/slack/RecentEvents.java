package dev.pitcrew.bot.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.MiddlewareChain;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.builtin.EventRequest;
import com.slack.api.bolt.response.Response;
import java.time.Duration;

/**
 * Bolt middleware: an Events API delivery whose {@code event_id} this replica already took is
 * acknowledged and dropped without a call (Slack re-delivers what it thinks lost). One that reaches
 * another replica is dropped there by the shared claim ({@link Mentions}), on the worker: this
 * check makes no network call.
 */
final class RecentEvents implements Middleware {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Cache<String, Boolean> seen =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofHours(1)).build();

  @Override
  public Response apply(Request req, Response resp, MiddlewareChain chain) throws Exception {
    if (req instanceof EventRequest event) {
      String id = JSON.readTree(event.getRequestBodyAsString()).path("event_id").asText("");
      if (!id.isEmpty() && seen.asMap().putIfAbsent(id, Boolean.TRUE) != null) {
        return Response.ok();
      }
    }
    return chain.next(req);
  }
}
