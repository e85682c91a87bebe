package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitcrew.bot.testing.FakeSlack;
import dev.pitcrew.bot.testing.RecordingHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Start-up asks each dependency once: {@code auth.test} (Bolt takes Pitcrew's answer instead of
 * asking again, and the readiness probe's first answer is start-up's) and the Kubernetes {@code
 * /version} (the warm-up's answer is readiness's first). Started as {@code java -jar} starts it,
 * through {@link Main#start}, against the fake Slack Web API and a recording stand-in API server
 * that answers {@code /version} and nothing else (it lacks everything a real one has beyond that;
 * this start-up reads nothing else with the in-memory store).
 */
class StartupCallsTest {
  private final Map<String, String> saved = new java.util.HashMap<>();

  @BeforeEach
  void noKubeconfig() {
    // Fabric8's auto-configuration reads system properties; these point it at the stand-in only.
    for (String key :
        new String[] {
          "kubernetes.master", "kubernetes.auth.tryKubeConfig", "kubernetes.auth.tryServiceAccount"
        }) {
      saved.put(key, System.getProperty(key));
    }
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
  }

  @AfterEach
  void restore() {
    saved.forEach(
        (key, value) -> {
          if (value == null) {
            System.clearProperty(key);
          } else {
            System.setProperty(key, value);
          }
        });
  }

  @Test
  void startUpCallsAuthTestOnceAndVersionOnceBeforeItIsReady() throws Exception {
    try (FakeSlack slack = new FakeSlack();
        RecordingHttpServer kubernetes =
            new RecordingHttpServer(
                request ->
                    request.path().equals("/version")
                        ? new RecordingHttpServer.Answer(
                            200, "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0\"}")
                        : new RecordingHttpServer.Answer(
                            404, "{\"kind\":\"Status\",\"code\":404}"))) {
      System.setProperty("kubernetes.master", kubernetes.url());
      int port;
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
      AtomicReference<Runnable> stop = new AtomicReference<>();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Optional<Integer> exit =
          Main.start(
              new String[0],
              Map.of(
                  "SLACK_BOT_TOKEN", "xoxb-test",
                  "SLACK_SIGNING_SECRET", "startup-secret",
                  "SLACK_API_URL", slack.apiUrl(),
                  "PORT", String.valueOf(port),
                  "PITCREW_APPROVAL_STORE", "memory"),
              new PrintStream(err, true, StandardCharsets.UTF_8),
              stop::set);
      assertThat(exit).as("%s", err).isEmpty();
      try {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest readyz =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build();
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode(),
                status -> status == 200);

        assertThat(slack.calls("auth.test")).hasSize(1);
        assertThat(kubernetes.received()).filteredOn(r -> r.path().equals("/version")).hasSize(1);
      } finally {
        stop.get().run();
      }
    }
  }
}
