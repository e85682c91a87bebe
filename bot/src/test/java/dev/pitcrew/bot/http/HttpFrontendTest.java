package dev.pitcrew.bot.http;

import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP server against clients that send their requests slowly, over real sockets. */
class HttpFrontendTest {

  @Test
  void slowClientsHoldingEveryThreadAreCutOffAndTheProbesAnswerAgain() throws Exception {
    try (HttpFrontend http =
        HttpFrontend.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            Map.of("/healthz", (method, headers, query, body) -> HttpReply.text(200, "ok")),
            Duration.ofMillis(500))) {
      List<Socket> slow = new ArrayList<>();
      try {
        // More than the server has threads: each sends a request line and never ends its headers.
        for (int i = 0; i < 40; i++) {
          Socket socket = new Socket(InetAddress.getLoopbackAddress(), http.port());
          OutputStream out = socket.getOutputStream();
          out.write(
              "GET /healthz HTTP/1.1\r\nHost: pitcrew\r\nX-Slow: "
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          slow.add(socket);
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/healthz"))
                .timeout(Duration.ofSeconds(2))
                .build();

        await()
            .atMost(Duration.ofSeconds(20))
            .ignoreExceptions()
            .until(
                () -> client.send(probe, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      } finally {
        for (Socket s : slow) {
          s.close();
        }
      }
    }
  }
}
