package dev.pitcrew.bot.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pitcrew.bot.concurrent.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
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

  /**
   * The longest one exchange may hold a thread, reading included: routes only acknowledge, so
   * anything longer is a client sending its request slowly to starve the server (its probes too).
   * The JDK server reads a request with blocking reads on the pool's threads; interrupting one
   * closes its channel and frees the thread.
   */
  static final Duration EXCHANGE_LIMIT = Duration.ofSeconds(10);

  private static final int THREADS = 16;

  private final HttpServer server;
  private final ExecutorService pool;
  private final ScheduledExecutorService watchdog;

  private HttpFrontend(HttpServer server, ExecutorService pool, ScheduledExecutorService watchdog) {
    this.server = server;
    this.pool = pool;
    this.watchdog = watchdog;
  }

  public static HttpFrontend start(InetSocketAddress address, Map<String, HttpRoute> routes)
      throws IOException {
    return start(address, routes, EXCHANGE_LIMIT);
  }

  static HttpFrontend start(
      InetSocketAddress address, Map<String, HttpRoute> routes, Duration exchangeLimit)
      throws IOException {
    HttpServer server = HttpServer.create(address, 128);
    Map<Thread, Long> busySince = new ConcurrentHashMap<>();
    ExecutorService pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(256),
            Threads.daemon("pitcrew-http"),
            new ThreadPoolExecutor.AbortPolicy()) {
          @Override
          protected void beforeExecute(Thread t, Runnable r) {
            busySince.put(t, System.nanoTime());
          }

          @Override
          protected void afterExecute(Runnable r, Throwable t) {
            busySince.remove(Thread.currentThread());
            Thread.interrupted(); // a late interrupt must not hit the next exchange
          }
        };
    ScheduledExecutorService watchdog =
        Executors.newSingleThreadScheduledExecutor(Threads.daemon("pitcrew-http-watchdog"));
    long limit = exchangeLimit.toNanos();
    long every = Math.max(10, exchangeLimit.toMillis() / 4);
    watchdog.scheduleWithFixedDelay(
        () ->
            busySince.forEach(
                (thread, since) -> {
                  if (System.nanoTime() - since > limit && busySince.remove(thread, since)) {
                    log.warn(
                        "an HTTP exchange took over {} ms (a slow client?); its connection is"
                            + " closed",
                        exchangeLimit.toMillis());
                    thread.interrupt();
                  }
                }),
        every,
        every,
        TimeUnit.MILLISECONDS);
    routes.forEach((path, route) -> server.createContext(path, exchange -> serve(exchange, route)));
    server.setExecutor(pool);
    server.start();
    return new HttpFrontend(server, pool, watchdog);
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
    watchdog.shutdownNow();
  }
}
