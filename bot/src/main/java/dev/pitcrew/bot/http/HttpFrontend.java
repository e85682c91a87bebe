package dev.pitcrew.bot.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pitcrew.bot.concurrent.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pitcrew's HTTP server: the JDK's, on a small bounded pool. Routes only acknowledge and hand work
 * off, so a few threads keep up with Slack's 3-second deadline.
 */
public final class HttpFrontend implements AutoCloseable {
  /** Slack payloads are a few kilobytes; anything this large is not from Slack. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private static final Logger log = LoggerFactory.getLogger(HttpFrontend.class);

  static {
    // The JDK server writes headers and body separately; with Nagle on, a client's delayed ACK
    // adds about 40 ms to every small response. Slack's acknowledgement deadline is 3 s.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService pool;

  private HttpFrontend(HttpServer server, ExecutorService pool) {
    this.server = server;
    this.pool = pool;
  }

  public static HttpFrontend start(InetSocketAddress address, Map<String, HttpRoute> routes)
      throws IOException {
    HttpServer server = HttpServer.create(address, 128);
    ExecutorService pool =
        new ThreadPoolExecutor(
            4,
            4,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(256),
            Threads.daemon("pitcrew-http"),
            new ThreadPoolExecutor.AbortPolicy());
    routes.forEach((path, route) -> server.createContext(path, exchange -> serve(exchange, route)));
    server.setExecutor(pool);
    server.start();
    return new HttpFrontend(server, pool);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void serve(HttpExchange exchange, HttpRoute route) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      HttpReply reply;
      if (body.length > MAX_BODY_BYTES) {
        reply = HttpReply.text(413, "request body too large");
      } else {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange
            .getRequestHeaders()
            .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        try {
          reply =
              route.handle(
                  exchange.getRequestMethod(),
                  headers,
                  exchange.getRequestURI().getRawQuery(),
                  body);
        } catch (Exception e) {
          log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
          reply = HttpReply.text(500, "internal error");
        }
      }
      byte[] out =
          reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
      if (reply.contentType() != null) {
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      }
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
