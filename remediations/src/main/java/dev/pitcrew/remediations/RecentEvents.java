package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Events of a namespace or one object: warnings first, newest first, bounded. */
final class RecentEvents extends ReadAction {
  private static final JsonNode SCHEMA =
      Schemas.object(
          Schemas.NAMESPACE
              + ", \"kind\": {\"type\": \"string\", \"pattern\": \"^[A-Za-z]{1,63}$\","
              + " \"description\": \"Kind of the object, e.g. Pod or Deployment\"}, \"name\":"
              + " {\"type\": \"string\", \"pattern\": \"^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$\","
              + " \"maxLength\": 253, \"description\": \"Only events about objects of this"
              + " name\"}, \"limit\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 50,"
              + " \"description\": \"How many events (default 20)\"}",
          "\"namespace\"");

  RecentEvents(KubernetesClient client, Clock clock) {
    super(
        client,
        clock,
        "events.list",
        "Recent events of a namespace or of one object, warnings first, newest first.",
        SCHEMA);
  }

  @Override
  public List<Permission> permissions() {
    return List.of(Permission.namespaced("", "events", "list"));
  }

  @Override
  String describe(JsonNode arguments) {
    return "events in " + namespace(arguments);
  }

  @Override
  Outcome read(JsonNode arguments) {
    String namespace = namespace(arguments);
    String kind = arguments.path("kind").asText(null);
    String name = arguments.path("name").asText(null);
    int limit = arguments.path("limit").asInt(20);
    List<Event> events =
        client.v1().events().inNamespace(namespace).list().getItems().stream()
            .filter(e -> name == null || name.equals(e.getInvolvedObject().getName()))
            .filter(e -> kind == null || kind.equalsIgnoreCase(e.getInvolvedObject().getKind()))
            .sorted(
                Comparator.comparing((Event e) -> !"Warning".equals(e.getType()))
                    .thenComparing(RecentEvents::when, Comparator.reverseOrder()))
            .toList();
    String scope =
        name == null
            ? "namespace " + namespace
            : (kind == null ? "" : kind + " ") + namespace + "/" + name;
    if (events.isEmpty()) {
      return new Observed("no events for " + scope, Map.of("events", 0));
    }
    String lines = events.stream().limit(limit).map(this::line).collect(Collectors.joining("\n"));
    return new Observed(
        "%d events for %s (warnings first, newest first):\n%s%s"
            .formatted(
                events.size(),
                scope,
                lines,
                events.size() > limit
                    ? "\n… and " + (events.size() - limit) + " more not shown"
                    : ""),
        Map.of("events", events.size()));
  }

  private String line(Event e) {
    String when = when(e);
    return "%s %s %s/%s%s (%s ago): %s"
        .formatted(
            e.getType(),
            e.getReason(),
            e.getInvolvedObject().getKind(),
            e.getInvolvedObject().getName(),
            e.getCount() == null || e.getCount() <= 1 ? "" : " x" + e.getCount(),
            when.isEmpty() ? "?" : Ages.since(when, clock.instant()),
            e.getMessage());
  }

  /** The newest time an event carries; ISO-8601 strings sort chronologically. */
  private static String when(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
      return e.getEventTime().getTime();
    }
    return e.getMetadata().getCreationTimestamp() == null
        ? ""
        : e.getMetadata().getCreationTimestamp();
  }
}
