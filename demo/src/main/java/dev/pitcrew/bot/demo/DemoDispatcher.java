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
  private final DemoImages images;

  DemoDispatcher(DemoImages images) {
    this.images = images;
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LOG =
      Pattern.compile("^(/api/v1/namespaces/[^/]+/pods/[^/?]+)/log(\\?.*)?$");

  /** Pods by node: the mock ignores this field selector, a cordon's card needs it. */
  private static final Pattern ON_NODE =
      Pattern.compile("^(/api/v1/pods)\\?fieldSelector=spec\\.nodeName%3D([^&]+)$");

  private static final Pattern EVICTION =
      Pattern.compile("^(/api/v1/namespaces/[^/]+/pods/[^/?]+)/eviction.*");

  @Override
  public MockResponse handleGet(String path) {
    Matcher log = LOG.matcher(path);
    if (log.matches()) {
      return logs(log.group(1), log.group(2) == null ? "" : log.group(2));
    }
    Matcher onNode = ON_NODE.matcher(path);
    if (onNode.matches()) {
      try {
        var list =
            (com.fasterxml.jackson.databind.node.ObjectNode)
                JSON.readTree(super.handleGet(onNode.group(1)).getBody().readUtf8());
        var kept = JSON.createArrayNode();
        for (JsonNode pod : list.path("items")) {
          if (onNode.group(2).equals(pod.path("spec").path("nodeName").asText())) {
            kept.add(pod);
          }
        }
        list.set("items", kept);
        return new MockResponse().setResponseCode(200).setBody(list.toString());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return super.handleGet(path);
  }

  /**
   * The Eviction API, for {@code delete_pod}: the demo has no PodDisruptionBudgets, so every
   * eviction of an existing pod is allowed; a dry run changes nothing.
   */
  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    Matcher eviction = EVICTION.matcher(request.getPath());
    if (!eviction.matches()) {
      return super.handleCreate(request);
    }
    MockResponse pod = super.handleGet(eviction.group(1));
    if (pod.code() != 200) {
      return pod;
    }
    if (!request.getUtf8Body().contains("\"All\"")) {
      super.handleDelete(eviction.group(1));
    }
    return new MockResponse()
        .setResponseCode(201)
        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}");
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
    String container;
    String onNode;
    try {
      JsonNode node = JSON.readTree(pod.getBody().readUtf8());
      image = node.path("spec").path("containers").path(0).path("image").asText();
      container = node.path("spec").path("containers").path(0).path("name").asText();
      onNode = node.path("spec").path("nodeName").asText(null);
    } catch (IOException e) {
      return new MockResponse().setResponseCode(500).setBody("cannot read pod");
    }
    DemoImages.Fault fault = images.fault(image, onNode);
    if (fault != null && fault.kind().staysPending()) {
      String name = podPath.substring(podPath.lastIndexOf('/') + 1);
      String why =
          switch (fault.kind()) {
            case PULL -> "trying and failing to pull image";
            case CONFIG -> "CreateContainerConfigError";
            default -> "ContainerCreating";
          };
      return new MockResponse()
          .setResponseCode(400)
          .setBody(
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":400,"
                  + "\"reason\":\"BadRequest\",\"message\":\"container \\\""
                  + container
                  + "\\\" in pod \\\""
                  + name
                  + "\\\" is waiting to start: "
                  + why
                  + "\"}");
    }
    boolean previous = query.contains("previous=true");
    String text;
    if (fault != null && fault.kind() == DemoImages.Kind.UNREADY) {
      text = fault.log(); // it runs: its current log shows the failing probe's requests
    } else if (fault != null) {
      text = previous ? fault.log() : "2026-11-21T09:59:40Z INFO  Starting " + image + "\n";
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
