package dev.pitcrew.bot.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real HTTP server on loopback that records every request and answers through a function,
 * optionally after a fixed latency (for the benchmark's stubs). The latency is a scheduled answer,
 * not a blocked thread.
 */
public final class RecordingHttpServer implements AutoCloseable {

  /** One request as received. */
  public record Received(String method, String path, String contentType, String body) {}

  /**
   * What to answer; a negative status drops the connection without any answer, as a reset or a
   * proxy timeout does.
   */
  public record Answer(int status, String json, Map<String, String> headers) {
    public Answer(int status, String json) {
      this(status, json, Map.of());
    }

    public static Answer drop() {
      return new Answer(-1, "", Map.of());
    }
  }

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  public RecordingHttpServer(Function<Received, Answer> responder) throws IOException {
    this(responder, Duration.ZERO);
  }

  public RecordingHttpServer(Function<Received, Answer> responder, Duration latency)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext(
        "/",
        exchange -> {
          String body;
          try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          Received r =
              new Received(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  body);
          received.add(r);
          Answer answer = responder.apply(r);
          if (latency.isZero()) {
            respond(exchange, answer);
          } else {
            later.schedule(
                () -> respond(exchange, answer), latency.toNanos(), TimeUnit.NANOSECONDS);
          }
        });
    server.setExecutor(pool);
    server.start();
  }

  private static void respond(HttpExchange exchange, Answer answer) {
    if (answer.status() < 0) {
      exchange.close(); // no status line, no body: the client sees the connection end
      return;
    }
    try (exchange) {
      byte[] out = answer.json().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.sendResponseHeaders(answer.status(), out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    later.shutdownNow();
  }
}
