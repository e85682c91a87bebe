package dev.pitcrew.bot.slack;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.slack.api.Slack;
import com.slack.api.bolt.App;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.socket_mode.request.SocketModeRequest;
import com.slack.api.bolt.socket_mode.request.SocketModeRequestParser;
import com.slack.api.socket_mode.SocketModeClient;
import com.slack.api.socket_mode.impl.SocketModeClientJavaWSImpl;
import com.slack.api.socket_mode.queue.impl.ConcurrentLinkedMessageQueue;
import com.slack.api.socket_mode.response.AckResponse;
import com.slack.api.util.json.GsonFactory;
import dev.pitcrew.bot.concurrent.Threads;
import java.io.IOException;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack's Socket Mode in front of the same Bolt app the HTTP route serves: envelopes arrive over a
 * WebSocket, Bolt runs the handlers (which only hand work off) and the acknowledgement goes back on
 * the socket before any Web API, model or cluster call.
 *
 * <p>The SDK's client reconnects when Slack sends {@code disconnect}. Its own session monitor polls
 * with sleeps and retries at a fixed pace, so it is off: a monitor here reconnects a dropped socket
 * with exponential backoff and jitter, and tracks whether a socket is live for {@code /readyz}.
 */
final class SlackSocket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SlackSocket.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);
  private static final Duration LONGEST_RETRY = Duration.ofSeconds(60);
  private static final Duration MONITOR_TICK = Duration.ofMillis(250);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
  private static final Duration FIRST_HANDSHAKE = Duration.ofSeconds(5);

  /** Threads that parse envelopes, run Bolt's handlers (which only hand work off) and ack. */
  private static final int PROCESSORS = 4;

  private final SocketModeClient client;
  private final ThreadPoolExecutor processors;
  private final App app;
  private final SocketModeRequestParser parser;
  private final Gson gson;
  private final ScheduledExecutorService monitor;
  private final LongSupplier nanos;

  private final AtomicBoolean connected = new AtomicBoolean();
  private final AtomicBoolean suspect = new AtomicBoolean();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicLong nextAttemptNanos = new AtomicLong();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile boolean closed;

  private SlackSocket(Slack slack, String appToken, App app, String url, LongSupplier nanos)
      throws URISyntaxException {
    this.app = app;
    this.nanos = nanos;
    this.parser = new SocketModeRequestParser(app.config());
    this.gson = GsonFactory.createSnakeCase(slack.getConfig());
    this.processors =
        new ThreadPoolExecutor(
            PROCESSORS,
            PROCESSORS,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1_000),
            Threads.daemon("pitcrew-slack-socket"),
            // Unacknowledged envelopes are re-sent by Slack; nothing is lost by refusing one.
            (r, pool) -> log.warn("busy: left a Socket Mode envelope for Slack to re-send"));
    this.client = new Client(slack, appToken, url, processors);
    client.addWebSocketMessageListener(this::onMessage);
    client.addWebSocketCloseListener(this::onClose);
    client.addWebSocketErrorListener(e -> log.warn("Slack socket error: {}", e.toString()));
    this.monitor =
        Executors.newSingleThreadScheduledExecutor(Threads.daemon("pitcrew-slack-socket-monitor"));
  }

  /**
   * Asks Slack for a socket URL ({@code apps.connections.open}) and connects.
   *
   * @throws IllegalStateException when Slack refuses the app token or cannot be reached
   */
  static SlackSocket open(Slack slack, String appToken, App app) {
    String url;
    try {
      url = slack.issueSocketModeUrl(appToken);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "SLACK_APP_TOKEN could not open a Socket Mode connection: " + e.getMessage(), e);
    }
    try {
      SlackSocket socket = new SlackSocket(slack, appToken, app, url, System::nanoTime);
      // Until Slack says hello the socket is suspect: a handshake that fails never reports a
      // close, so the monitor checks it once the first handshake has had time to finish.
      socket.suspect.set(true);
      socket.nextAttemptNanos.set(System.nanoTime() + FIRST_HANDSHAKE.toNanos());
      socket.client.connect();
      socket.monitor.scheduleWithFixedDelay(
          socket::maintain, 0, MONITOR_TICK.toMillis(), TimeUnit.MILLISECONDS);
      return socket;
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException(
          "Slack answered apps.connections.open with an unusable URL: " + e.getMessage(), e);
    }
  }

  /** Whether a socket is open and Slack has said hello on it. */
  boolean connected() {
    return connected.get();
  }

  /** How many times a socket said hello: 1 after the first connection, 2 after a reconnect. */
  int connections() {
    return connections.get();
  }

  private void onMessage(String message) {
    JsonElement json = gson.fromJson(message, JsonElement.class);
    if (json == null || !json.isJsonObject()) {
      return;
    }
    JsonObject object = json.getAsJsonObject();
    String type = object.has("type") ? object.get("type").getAsString() : "";
    if (type.equals("hello")) {
      connected.set(true);
      suspect.set(false);
      failures.set(0);
      int n = connections.incrementAndGet();
      log.info("Slack socket connected ({} connection{} so far)", n, n == 1 ? "" : "s");
      return;
    }
    SocketModeRequest request = parser.parse(message);
    if (request == null) {
      return;
    }
    String envelopeId = request.getEnvelope().getEnvelopeId();
    Response response;
    try {
      response = app.run(request.getBoltRequest());
    } catch (Exception e) {
      // Acknowledge anyway: Slack would re-deliver, and the handler already said what failed.
      log.error("handling Socket Mode envelope {} failed", envelopeId, e);
      client.sendSocketModeResponse(new AckResponse(envelopeId));
      return;
    }
    client.sendSocketModeResponse(ack(envelopeId, response));
  }

  /** The acknowledgement, carrying the handler's reply (a slash command's text) if it has one. */
  private String ack(String envelopeId, Response response) {
    JsonObject ack = new JsonObject();
    ack.addProperty("envelope_id", envelopeId);
    String body = response.getBody();
    if (response.getStatusCode() == 200 && body != null && !body.isEmpty()) {
      String contentType = response.getContentType();
      if (contentType != null && contentType.startsWith("application/json")) {
        ack.add("payload", gson.fromJson(body, JsonElement.class));
      } else {
        JsonObject payload = new JsonObject();
        payload.addProperty("text", body);
        ack.add("payload", payload);
      }
    }
    return gson.toJson(ack);
  }

  /**
   * A socket closed. It may be the old one of a refresh (Slack's {@code disconnect} already opened
   * the next), so the monitor checks the current socket before it reconnects.
   */
  private void onClose(Integer code, String reason) {
    if (closed) {
      return;
    }
    log.info("Slack socket closed (code {}, reason {})", code, reason);
    connected.set(false);
    // Give a refresh's next socket time to finish its handshake before checking it.
    nextAttemptNanos.accumulateAndGet(nanos.getAsLong() + CLOSE_GRACE.toNanos(), Math::max);
    suspect.set(true);
  }

  private void maintain() {
    try {
      if (closed || !suspect.get() || nanos.getAsLong() < nextAttemptNanos.get()) {
        return;
      }
      if (client.verifyConnection()) {
        connected.set(true);
        suspect.set(false);
        failures.set(0);
        return;
      }
      int attempt = failures.incrementAndGet();
      nextAttemptNanos.set(nanos.getAsLong() + backoff(attempt).toNanos());
      log.info("Slack socket is down; reconnecting (attempt {})", attempt);
      client.connectToNewEndpoint();
      // Auto-reconnect turns off in disconnect(); a reconnect means we want it on.
      client.setAutoReconnectEnabled(true);
    } catch (IOException | RuntimeException e) {
      log.warn("reconnecting the Slack socket failed: {}", e.getMessage());
    }
  }

  /** 0.5 s, 1 s, 2 s ... up to a minute, each with up to 20% jitter so replicas spread out. */
  static Duration backoff(int attempt) {
    long base = FIRST_RETRY.toMillis() << Math.min(Math.max(attempt - 1, 0), 16);
    long capped = Math.min(base, LONGEST_RETRY.toMillis());
    long jitter = (long) (capped * 0.2 * ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis(capped + jitter);
  }

  /**
   * The SDK's Java-WebSocket client, with one change: a message is processed as soon as it arrives
   * instead of waiting for one of the SDK's processor threads, which poll a queue every 10 ms
   * (about 5 ms added to every acknowledgement, and a hundred wake-ups a second per thread when
   * idle). With no polling processors, this hand-off is the only path.
   */
  private static final class Client extends SocketModeClientJavaWSImpl {
    private final Executor processors;

    Client(Slack slack, String appToken, String url, Executor processors)
        throws URISyntaxException {
      super(
          slack,
          appToken,
          url,
          0, // no polling processor threads
          new ConcurrentLinkedMessageQueue(),
          true,
          false, // the monitor in SlackSocket replaces the SDK's
          SocketModeClient.DEFAULT_SESSION_MONITOR_INTERVAL_MILLISECONDS);
      this.processors = processors;
    }

    @Override
    public void enqueueMessage(String message) {
      processors.execute(
          () -> {
            try {
              processMessage(message);
            } catch (IOException | RuntimeException e) {
              log.error("handling a Socket Mode message failed: {}", e.toString());
            }
          });
    }
  }

  @Override
  public void close() {
    closed = true;
    monitor.shutdownNow();
    connected.set(false);
    try {
      client.close();
    } catch (IOException | RuntimeException e) {
      log.debug("closing the Slack socket: {}", e.toString());
    }
    processors.shutdownNow();
  }
}
