package dev.pitcrew.remediations;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.util.Map;
import java.util.Queue;

/**
 * Fabric8's CRUD dispatcher, with dry-run writes that change nothing, as a real API server's: the
 * mock itself applies a {@code ?dryRun=All} write for real. It answers a dry-run patch with the
 * object as it is, which is enough for previews (they only need the server's yes or no). It still
 * enforces no RBAC and runs no admission webhooks. It answers the Eviction API as the API server
 * does, from the {@code disruptionsAllowed} a budget's status holds (the mock runs no disruption
 * controller to compute it, and matches budgets by {@code matchLabels} only), and lists pods by
 * {@code spec.nodeName}, a field selector the mock ignores. Scripted answers ({@code
 * server.expect()}) come first, as in Fabric8's own mixed mode.
 */
public class DryRunCrudDispatcher extends KubernetesCrudDispatcher {
  private final Map<ServerRequest, Queue<ServerResponse>> expectations;
  private final MockDispatcher scripted;

  public DryRunCrudDispatcher(Map<ServerRequest, Queue<ServerResponse>> expectations) {
    this.expectations = expectations;
    this.scripted = new MockDispatcher(expectations);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Queue<ServerResponse> queued =
        expectations.get(
            new SimpleRequest(HttpMethod.valueOf(request.getMethod()), request.getPath()));
    return queued != null && !queued.isEmpty()
        ? scripted.dispatch(request)
        : super.dispatch(request);
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    if (request.getPath().contains("dryRun=All")) {
      return super.handleGet(request.getPath().substring(0, request.getPath().indexOf('?')));
    }
    return super.handlePatch(request);
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private static final java.util.regex.Pattern EVICTION =
      java.util.regex.Pattern.compile("^(/api/v1/namespaces/([^/]+)/pods/[^/?]+)/eviction.*");

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    java.util.regex.Matcher eviction = EVICTION.matcher(request.getPath());
    if (!eviction.matches()) {
      return super.handleCreate(request);
    }
    try {
      MockResponse pod = super.handleGet(eviction.group(1));
      if (pod.code() != 200) {
        return pod;
      }
      var podJson = JSON.readTree(pod.getBody().readUtf8());
      var body = JSON.readTree(request.getUtf8Body());
      String uid = body.path("deleteOptions").path("preconditions").path("uid").asText("");
      if (!uid.isEmpty() && !uid.equals(podJson.path("metadata").path("uid").asText())) {
        return status(409, "Conflict", "Precondition failed: UID in precondition: " + uid);
      }
      var labels = podJson.path("metadata").path("labels");
      var budgets =
          JSON.readTree(
              super.handleGet(
                      "/apis/policy/v1/namespaces/" + eviction.group(2) + "/poddisruptionbudgets")
                  .getBody()
                  .readUtf8());
      for (var budget : budgets.path("items")) {
        boolean covers = true;
        var match = budget.path("spec").path("selector").path("matchLabels");
        for (var it = match.fields(); it.hasNext(); ) {
          var e = it.next();
          covers &= e.getValue().asText().equals(labels.path(e.getKey()).asText(null));
        }
        if (covers && budget.path("status").path("disruptionsAllowed").asInt(1) <= 0) {
          return status(
              429,
              "TooManyRequests",
              "Cannot evict pod as it would violate the pod's disruption budget.");
        }
      }
      boolean dryRun = body.path("deleteOptions").path("dryRun").toString().contains("All");
      if (!dryRun) {
        super.handleDelete(eviction.group(1));
      }
      return status(201, "", "");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final java.util.regex.Pattern ON_NODE =
      java.util.regex.Pattern.compile("^(/api/v1/pods)\\?fieldSelector=spec\\.nodeName%3D([^&]+)$");

  @Override
  public MockResponse handleGet(String path) {
    java.util.regex.Matcher onNode = ON_NODE.matcher(path);
    if (!onNode.matches()) {
      return super.handleGet(path);
    }
    MockResponse all = super.handleGet(onNode.group(1));
    try {
      var list =
          (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(all.getBody().readUtf8());
      var kept = JSON.createArrayNode();
      list.path("items")
          .forEach(
              pod -> {
                if (onNode.group(2).equals(pod.path("spec").path("nodeName").asText())) {
                  kept.add(pod);
                }
              });
      list.set("items", kept);
      return new MockResponse().setResponseCode(200).setBody(list.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static MockResponse status(int code, String reason, String message) {
    return new MockResponse()
        .setResponseCode(code)
        .setBody(
            JSON.createObjectNode()
                .put("kind", "Status")
                .put("apiVersion", "v1")
                .put("status", code < 300 ? "Success" : "Failure")
                .put("reason", reason)
                .put("message", message)
                .put("code", code)
                .toString());
  }
}
