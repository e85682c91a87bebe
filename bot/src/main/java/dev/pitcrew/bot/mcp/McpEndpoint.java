package dev.pitcrew.bot.mcp;

import dev.pitcrew.approvals.McpPolicy;
import dev.pitcrew.bot.http.HttpReply;
import dev.pitcrew.bot.http.HttpRoute;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import reactor.core.publisher.Mono;

/**
 * MCP's Streamable HTTP transport at {@code /mcp}, stateless: each POST carries one JSON-RPC
 * message and is answered with one JSON response, so any replica answers any call and nothing is
 * kept between them. The SDK's server handles the protocol; this class is the door: a bearer token
 * the policy file knows (compared as SHA-256 in constant time), no browser origins (DNS rebinding),
 * bounded bodies, a rate per client, and a cap on calls at once, since each holds an HTTP thread
 * while it runs. There is no GET stream: Pitcrew never calls an agent back.
 */
public final class McpEndpoint implements HttpRoute, McpStatelessServerTransport {
  /** The key under which a call's {@link McpPolicy.Client} travels to the tools. */
  static final String CLIENT = "pitcrew.mcp.client";

  static final int MAX_BODY_BYTES = 64 * 1024;
  static final int CALLS_PER_MINUTE = 60;
  private static final int AT_ONCE = 4;
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(9);

  private final McpPolicy policy;
  private final McpJsonMapper json;
  private final Clock clock;
  private final Map<String, Deque<Instant>> recent = new ConcurrentHashMap<>();
  private final Semaphore running = new Semaphore(AT_ONCE);
  private volatile McpStatelessServerHandler handler;

  public McpEndpoint(McpPolicy policy, McpJsonMapper json, Clock clock) {
    this.policy = policy;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public void setMcpHandler(McpStatelessServerHandler handler) {
    this.handler = handler;
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.empty();
  }

  @Override
  public HttpReply handle(
      String method, Map<String, List<String>> headers, String query, byte[] body) {
    if (!method.equals("POST")) {
      // No server-to-client stream (GET) and no sessions to end (DELETE): stateless, POST only.
      return new HttpReply(
          405, "text/plain; charset=utf-8", "MCP here is POST only", Map.of("Allow", "POST"));
    }
    if (headers.containsKey("origin")) {
      // A browser page must not reach this endpoint through a rebound DNS name; agents send none.
      return HttpReply.text(
          403,
          "requests with an Origin header are refused: browsers may not call Pitcrew's MCP endpoint");
    }
    Optional<McpPolicy.Client> client = bearer(headers).flatMap(policy::client);
    if (client.isEmpty()) {
      return new HttpReply(
          401,
          "text/plain; charset=utf-8",
          "a bearer token the policy file's mcp.clients knows is required",
          Map.of("WWW-Authenticate", "Bearer realm=\"pitcrew\""));
    }
    if (body.length > MAX_BODY_BYTES) {
      return HttpReply.text(413, "an MCP message may be at most " + MAX_BODY_BYTES + " bytes");
    }
    if (!allowed(client.get().name())) {
      return new HttpReply(
          429,
          "text/plain; charset=utf-8",
          "at most " + CALLS_PER_MINUTE + " requests a minute per client",
          Map.of("Retry-After", "60"));
    }
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(json, new String(body, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      return jsonRpcError(400, null, McpSchema.ErrorCodes.PARSE_ERROR, "not a JSON-RPC message");
    }
    McpTransportContext context = McpTransportContext.create(Map.of(CLIENT, client.get()));
    if (!running.tryAcquire()) {
      return new HttpReply(
          503,
          "text/plain; charset=utf-8",
          "busy: too many MCP calls at once",
          Map.of("Retry-After", "5"));
    }
    try {
      if (message instanceof McpSchema.JSONRPCRequest request) {
        McpSchema.JSONRPCResponse response =
            handler
                .handleRequest(context, request)
                .contextWrite(c -> c.put(McpTransportContext.KEY, context))
                .block(ANSWER_WITHIN);
        return new HttpReply(200, "application/json", json.writeValueAsString(response), Map.of());
      }
      if (message instanceof McpSchema.JSONRPCNotification notification) {
        handler
            .handleNotification(context, notification)
            .contextWrite(c -> c.put(McpTransportContext.KEY, context))
            .block(ANSWER_WITHIN);
      }
      return new HttpReply(202, null, null, Map.of());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (IllegalStateException e) { // block() timed out
      Object id = message instanceof McpSchema.JSONRPCRequest r ? r.id() : null;
      return jsonRpcError(
          200,
          id,
          McpSchema.ErrorCodes.INTERNAL_ERROR,
          "no answer within " + ANSWER_WITHIN.toSeconds() + " s");
    } finally {
      running.release();
    }
  }

  private HttpReply jsonRpcError(int status, Object id, int code, String message) {
    try {
      return new HttpReply(
          status,
          "application/json",
          json.writeValueAsString(
              new McpSchema.JSONRPCResponse(
                  McpSchema.JSONRPC_VERSION,
                  id,
                  null,
                  new McpSchema.JSONRPCResponse.JSONRPCError(code, message, null))),
          Map.of());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Optional<String> bearer(Map<String, List<String>> headers) {
    List<String> values = headers.get("authorization");
    if (values == null || values.size() != 1) {
      return Optional.empty();
    }
    String value = values.get(0);
    return value.regionMatches(true, 0, "Bearer ", 0, 7) && value.length() > 7
        ? Optional.of(value.substring(7).strip())
        : Optional.empty();
  }

  /** A sliding minute per client: whether one more request fits in it. */
  private boolean allowed(String client) {
    Instant now = clock.instant();
    Deque<Instant> calls = recent.computeIfAbsent(client, c -> new ArrayDeque<>());
    synchronized (calls) {
      while (!calls.isEmpty() && calls.peekFirst().isBefore(now.minusSeconds(60))) {
        calls.pollFirst();
      }
      if (calls.size() >= CALLS_PER_MINUTE) {
        return false;
      }
      calls.addLast(now);
      return true;
    }
  }
}
