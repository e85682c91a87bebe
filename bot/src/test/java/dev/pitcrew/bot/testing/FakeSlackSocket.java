package dev.pitcrew.bot.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A local server that speaks Slack's Socket Mode protocol: it says {@code hello} to every new
 * connection, sends envelopes ({@code slash_commands}, {@code interactive}, {@code events_api}) and
 * records the acknowledgements, and can send {@code disconnect} or drop a connection. Slack's real
 * server also retries unacknowledged envelopes and spreads them across connections by itself; here
 * the test chooses the connection.
 */
public final class FakeSlackSocket implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Server server;
  private final List<WebSocket> opened = new CopyOnWriteArrayList<>();
  private final Map<String, JsonNode> acks = new ConcurrentHashMap<>();
  private final Map<String, Long> ackNanos = new java.util.HashMap<>(); // guarded by itself
  private final CountDownLatch connected = new CountDownLatch(1);

  public FakeSlackSocket() throws InterruptedException {
    server = new Server(new InetSocketAddress("127.0.0.1", 0));
    server.setReuseAddr(true);
    server.start();
    if (!server.started.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the fake Socket Mode server did not start");
    }
  }

  /** What {@code apps.connections.open} answers. */
  public String url() {
    return "ws://127.0.0.1:" + server.getPort() + "/link/?ticket=test";
  }

  /** Connections opened so far, oldest first; closed ones included. */
  public List<WebSocket> connections() {
    return List.copyOf(opened);
  }

  public long openConnections() {
    return opened.stream().filter(WebSocket::isOpen).count();
  }

  /** Waits until a client has connected (a benchmark's wait: tests use Awaitility). */
  public void awaitConnection(Duration timeout) throws InterruptedException {
    if (!connected.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("no Socket Mode client connected in " + timeout);
    }
  }

  /** The newest open connection. */
  public WebSocket latest() {
    for (int i = opened.size() - 1; i >= 0; i--) {
      if (opened.get(i).isOpen()) {
        return opened.get(i);
      }
    }
    throw new AssertionError("no open Socket Mode connection");
  }

  /** Sends an envelope of {@code type} carrying {@code payload}; returns its envelope ID. */
  public String send(WebSocket connection, String type, JsonNode payload) {
    String id = UUID.randomUUID().toString();
    ObjectNode envelope = JSON.createObjectNode();
    envelope.put("envelope_id", id).put("type", type).put("accepts_response_payload", true);
    envelope.set("payload", payload);
    connection.send(envelope.toString());
    return id;
  }

  /** The acknowledgement of an envelope, once it arrived. */
  public JsonNode ack(String envelopeId) {
    return acks.get(envelopeId);
  }

  /**
   * When the acknowledgement of an envelope arrived, in {@link System#nanoTime()}, waiting for it
   * up to {@code timeout} (a benchmark's wait: tests use Awaitility on {@link #ack}).
   *
   * @throws IllegalStateException if it does not arrive in time
   */
  public long awaitAckNanos(String envelopeId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (ackNanos) {
      Long at;
      while ((at = ackNanos.get(envelopeId)) == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("no ack for envelope " + envelopeId + " in " + timeout);
        }
        TimeUnit.NANOSECONDS.timedWait(ackNanos, left);
      }
      return at;
    }
  }

  /** Asks the client to reconnect, as Slack does before it refreshes a connection. */
  public void disconnect(WebSocket connection, String reason) {
    connection.send(
        JSON.createObjectNode().put("type", "disconnect").put("reason", reason).toString());
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(1000);
  }

  private final class Server extends WebSocketServer {
    final CountDownLatch started = new CountDownLatch(1);

    Server(InetSocketAddress address) {
      super(address, 1);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
      opened.add(conn);
      connected.countDown();
      ObjectNode hello = JSON.createObjectNode().put("type", "hello").put("num_connections", 1);
      hello.putObject("connection_info").put("app_id", "A1");
      conn.send(hello.toString());
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
      long now = System.nanoTime();
      try {
        JsonNode ack = JSON.readTree(message);
        String id = ack.path("envelope_id").asText();
        acks.putIfAbsent(id, ack);
        synchronized (ackNanos) {
          ackNanos.putIfAbsent(id, now);
          ackNanos.notifyAll();
        }
      } catch (IOException e) {
        throw new AssertionError("an acknowledgement that is not JSON: " + message, e);
      }
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {}

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

    @Override
    public void onError(WebSocket conn, Exception ex) {}

    @Override
    public void onStart() {
      started.countDown();
    }
  }
}
