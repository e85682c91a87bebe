package dev.pitcrew.bot.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fabric8's CRUD dispatcher with the two things a demo needs from a real API server: container logs
 * (the mock serves none) and dry-run writes that change nothing (the mock applies them).
 */
final class DemoDispatcher extends KubernetesCrudDispatcher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LOG =
      Pattern.compile("^(/api/v1/namespaces/[^/]+/pods/[^/?]+)/log(\\?.*)?$");

  @Override
  public MockResponse handleGet(String path) {
    Matcher log = LOG.matcher(path);
    if (log.matches()) {
      return logs(log.group(1), log.group(2) == null ? "" : log.group(2));
    }
    return super.handleGet(path);
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    if (request.getPath().contains("dryRun=All")) {
      // Accept and change nothing: answer with the object as it is.
      return super.handleGet(request.getPath().substring(0, request.getPath().indexOf('?')));
    }
    return super.handlePatch(request);
  }

  private MockResponse logs(String podPath, String query) {
    MockResponse pod = super.handleGet(podPath);
    if (pod.code() != 200) {
      return pod;
    }
    String image;
    try {
      JsonNode node = JSON.readTree(pod.getBody().readUtf8());
      image = node.path("spec").path("containers").path(0).path("image").asText();
    } catch (IOException e) {
      return new MockResponse().setResponseCode(500).setBody("cannot read pod");
    }
    boolean previous = query.contains("previous=true");
    String text;
    if (DemoController.crashes(image)) {
      text =
          previous
              ? """
                2026-11-21T09:58:01Z INFO  Starting checkout %s
                2026-11-21T09:58:02Z INFO  Connecting to payments at http://payments.shop:8080
                2026-11-21T09:58:03Z ERROR Configuration key PAYMENTS_TIMEOUT_MS is not a number: '30s'
                Exception in thread "main" java.lang.NumberFormatException: For input string: "30s"
                \tat java.base/java.lang.Integer.parseInt(Integer.java:668)
                \tat shop.checkout.Config.paymentsTimeout(Config.java:41)
                \tat shop.checkout.Main.main(Main.java:17)
                """
                  .formatted(image)
              : "2026-11-21T09:59:40Z INFO  Starting checkout " + image + "\n";
    } else {
      text =
          """
          2026-11-21T09:59:58Z INFO  GET /healthz 200 1ms
          2026-11-21T09:59:59Z INFO  POST /api/cart/items 201 12ms
          2026-11-21T10:00:00Z INFO  GET /healthz 200 1ms
          """;
    }
    return new MockResponse().setResponseCode(200).setBody(text);
  }
}
