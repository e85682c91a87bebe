package dev.pitcrew.bot.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** A real HTTP server on loopback that records every request and answers through a function. */
public final class RecordingHttpServer implements AutoCloseable {

  /** One request as received. */
  public record Received(String method, String path, String contentType, String body) {}

  /** What to answer. */
  public record Answer(int status, String json) {}

  private final HttpServer server;
  private final java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(4);
  private final List<Received> received = new CopyOnWriteArrayList<>();

  public RecordingHttpServer(Function<Received, Answer> responder) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
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
            byte[] out = answer.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), out.length);
            try (OutputStream os = exchange.getResponseBody()) {
              os.write(out);
            }
          }
        });
    server.setExecutor(pool);
    server.start();
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
  }
}
