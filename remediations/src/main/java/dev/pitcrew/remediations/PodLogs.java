package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The tail of a container's log, optionally of the previous (crashed) run. Bounded by lines (the
 * schema) and bytes (here): the newest bytes are kept, and a marker says what was cut.
 */
final class PodLogs extends ReadAction {
  /** Most log bytes handed back. */
  static final int MAX_BYTES = 16 * 1024;

  /** Most bytes read from the API server before giving up on the rest. */
  static final int MAX_READ = 4 * 1024 * 1024;

  private static final JsonNode SCHEMA =
      Schemas.namespaced(
          "Pod",
          "\"container\": {\"type\": \"string\", \"pattern\": \"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$\","
              + " \"maxLength\": 63, \"description\": \"Container; needed when the pod has"
              + " several\"}",
          "\"previous\": {\"type\": \"boolean\", \"description\": \"Log of the previous, crashed"
              + " run of the container\"}",
          "\"lines\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 1000, \"description\":"
              + " \"How many of the last lines (default 100)\"}");

  PodLogs(KubernetesClient client, Clock clock) {
    super(
        client,
        clock,
        "pod.logs",
        "The last lines of a container's log, or of its previous run after a crash.",
        SCHEMA);
  }

  @Override
  public List<Permission> permissions() {
    return List.of(
        Permission.namespaced("", "pods", "get"), Permission.namespaced("", "pods/log", "get"));
  }

  @Override
  String describe(JsonNode arguments) {
    return "the log of pod " + qualified(arguments);
  }

  @Override
  Outcome read(JsonNode arguments) {
    String namespace = namespace(arguments);
    String name = objectName(arguments);
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    if (pod == null) {
      return new Refused("pod " + namespace + "/" + name + " was not found");
    }
    List<String> containers =
        pod.getSpec().getContainers().stream().map(Container::getName).toList();
    String container = arguments.path("container").asText(null);
    if (container == null) {
      if (containers.size() != 1) {
        return new Refused(
            "pod "
                + namespace
                + "/"
                + name
                + " has containers "
                + String.join(", ", containers)
                + "; say which one");
      }
      container = containers.get(0);
    } else if (!containers.contains(container)) {
      return new Refused(
          "pod "
              + namespace
              + "/"
              + name
              + " has no container "
              + container
              + " (it has "
              + String.join(", ", containers)
              + ")");
    }
    boolean previous = arguments.path("previous").asBoolean(false);
    int lines = arguments.path("lines").asInt(100);
    // A plain GET of the log subresource. Fabric8's log readers first wait for the pod to be ready
    // or terminated through a watch, even with no wait asked for: an extra watch per read, and on
    // the mock server (the demo's too) a watch whose close can stall every request for seconds.
    String path =
        // limitBytes: the API server stops there, so a tail of huge lines never reaches memory
        // whole (the body is read as one string).
        "/api/v1/namespaces/%s/pods/%s/log?pretty=false&container=%s%s&tailLines=%d&limitBytes=%d"
            .formatted(
                encode(namespace),
                encode(name),
                encode(container),
                previous ? "&previous=true" : "",
                lines,
                MAX_READ);
    byte[] tail;
    long total;
    try (InputStream in = stream(client.raw(path))) {
      Tail t = Tail.of(in);
      tail = t.bytes();
      total = t.total();
    } catch (IOException e) {
      return new Failed("reading " + describe(arguments) + " failed: " + e.getMessage());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 400) {
        // e.g. "previous terminated container ... not found"
        return new Refused(
            "the API server cannot show that log: "
                + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()));
      }
      throw e;
    }
    String text = new String(tail, StandardCharsets.UTF_8);
    String header =
        "log of %s/%s container %s%s, last %d lines"
            .formatted(namespace, name, container, previous ? " (previous run)" : "", lines);
    if (total > tail.length) {
      header +=
          total >= MAX_READ
              ? "; [cut: those lines are longer than "
                  + MAX_READ
                  + " bytes; the API server sent their first "
                  + MAX_READ
                  + ", of which the last "
                  + tail.length
                  + " are shown]"
              : "; [cut: the first "
                  + (total - tail.length)
                  + " of "
                  + total
                  + " bytes are not shown]";
    }
    return new Observed(header + ":\n" + text, Map.of("bytes", tail.length, "totalBytes", total));
  }

  private static InputStream stream(String body) {
    return new java.io.ByteArrayInputStream(
        (body == null ? "" : body).getBytes(StandardCharsets.UTF_8));
  }

  private static String encode(String part) {
    return java.net.URLEncoder.encode(part, StandardCharsets.UTF_8);
  }

  /** Keeps the newest {@link #MAX_BYTES} bytes of a stream, starting at a line boundary. */
  record Tail(byte[] bytes, long total) {
    static Tail of(InputStream in) throws IOException {
      byte[] ring = new byte[MAX_BYTES];
      long total = 0;
      byte[] buffer = new byte[8192];
      int n;
      while (total < MAX_READ && (n = in.read(buffer)) > 0) {
        for (int i = 0; i < n; i++) {
          ring[(int) ((total + i) % MAX_BYTES)] = buffer[i];
        }
        total += n;
      }
      if (total <= MAX_BYTES) {
        byte[] all = new byte[(int) total];
        System.arraycopy(ring, 0, all, 0, (int) total);
        return new Tail(all, total);
      }
      byte[] last = new byte[MAX_BYTES];
      int start = (int) (total % MAX_BYTES);
      System.arraycopy(ring, start, last, 0, MAX_BYTES - start);
      System.arraycopy(ring, 0, last, MAX_BYTES - start, start);
      int newline = 0;
      while (newline < last.length && last[newline] != '\n') {
        newline++;
      }
      int from = newline < last.length ? newline + 1 : 0;
      byte[] cut = new byte[last.length - from];
      System.arraycopy(last, from, cut, 0, cut.length);
      return new Tail(cut, total);
    }
  }
}
