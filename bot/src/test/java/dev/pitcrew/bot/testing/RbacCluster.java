package dev.pitcrew.bot.testing;

import dev.pitcrew.remediations.DryRunCrudDispatcher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Fabric8 CRUD mock API server that records the impersonation headers of every request and
 * refuses an impersonated request its user was not granted, answering 403 with the message a real
 * API server gives. The stand-in lacks real RBAC: no roles, bindings, groups or aggregation, only a
 * table of (user, verb, resource, namespace) grants; requests without impersonation are allowed.
 */
public final class RbacCluster implements AutoCloseable {
  /** One request as the server saw it. */
  public record Seen(
      String method,
      String path,
      String user,
      List<String> groups,
      Map<String, List<String>> extras) {}

  private static final Pattern PATH =
      Pattern.compile(
          "^/(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/([^/]+))?/([a-z]+)(?:/([^/?]+))?(?:/([a-z]+))?");

  public final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Set<String> grants = ConcurrentHashMap.newKeySet();
  private final KubernetesMockServer server;
  public final KubernetesClient client;

  public RbacCluster() {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new DryRunCrudDispatcher(expectations) {
              @Override
              public MockResponse dispatch(RecordedRequest request) {
                return RbacCluster.this.dispatch(request, () -> super.dispatch(request));
              }
            },
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  /** Lets {@code user} {@code verb} {@code resource} in {@code namespace}. */
  public RbacCluster grant(String user, String verb, String resource, String namespace) {
    grants.add(user + " " + verb + " " + resource + " " + namespace);
    return this;
  }

  /** The requests that impersonated someone, with what they did. */
  public List<Seen> impersonated() {
    return seen.stream().filter(s -> s.user() != null).toList();
  }

  /** Stops answering, as a cluster that went down. */
  public void stop() {
    server.destroy();
  }

  private MockResponse dispatch(
      RecordedRequest request, java.util.function.Supplier<MockResponse> next) {
    var headers = request.getHeaders().toMultimap();
    Map<String, List<String>> extras = new HashMap<>();
    headers.forEach(
        (name, values) -> {
          if (name.toLowerCase(java.util.Locale.ROOT).startsWith("impersonate-extra-")) {
            extras.put(
                java.net.URLDecoder.decode(
                    name.substring("impersonate-extra-".length()),
                    java.nio.charset.StandardCharsets.UTF_8),
                values);
          }
        });
    String user = request.getHeader("Impersonate-User");
    List<String> groups =
        headers.entrySet().stream()
            .filter(e -> e.getKey().equalsIgnoreCase("Impersonate-Group"))
            .flatMap(e -> e.getValue().stream())
            .toList();
    seen.add(new Seen(request.getMethod(), request.getPath(), user, groups, extras));
    if (user == null) {
      return next.get();
    }
    Matcher m = PATH.matcher(request.getPath());
    if (!m.find()) {
      return next.get();
    }
    String group = m.group(1) == null ? "" : m.group(1);
    String namespace = m.group(2);
    String resource = m.group(3) + (m.group(5) == null ? "" : "/" + m.group(5));
    String verb = verb(request.getMethod(), m.group(4) != null);
    if (grants.contains(user + " " + verb + " " + resource + " " + namespace)) {
      return next.get();
    }
    String message =
        "%s \"%s\" is forbidden: User \"%s\" cannot %s resource \"%s\" in API group \"%s\"%s"
            .formatted(
                m.group(3) + (group.isEmpty() ? "" : "." + group),
                m.group(4) == null ? "" : m.group(4),
                user,
                verb,
                resource,
                group,
                namespace == null
                    ? " at the cluster scope"
                    : " in the namespace \"" + namespace + "\"");
    return new MockResponse()
        .setResponseCode(403)
        .setHeader("Content-Type", "application/json")
        .setBody(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\","
                + "\"code\":403,\"message\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(message)
                + "}");
  }

  private static String verb(String method, boolean named) {
    return switch (method) {
      case "GET" -> named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> method.toLowerCase(java.util.Locale.ROOT);
    };
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
