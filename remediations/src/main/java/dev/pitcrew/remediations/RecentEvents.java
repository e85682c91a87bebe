package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
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

  /** Events asked for at once, and pages read at most. */
  static final long PAGE = 500;

  static final int MAX_PAGES = 20;

  /** Warnings first, then newest first. */
  private static final Comparator<Event> ORDER =
      Comparator.comparing((Event e) -> !"Warning".equals(e.getType()))
          .thenComparing(RecentEvents::when, Comparator.reverseOrder());

  @Override
  Outcome read(JsonNode arguments) {
    String namespace = namespace(arguments);
    String kind = arguments.path("kind").asText(null);
    String name = arguments.path("name").asText(null);
    int limit = arguments.path("limit").asInt(20);
    // Paged, keeping only the best `limit` events: a namespace with a flood of events must not
    // have them all in memory at once.
    PriorityQueue<Event> kept = new PriorityQueue<>(ORDER.reversed());
    int matched = 0;
    String next = null;
    int pages = 0;
    do {
      EventList page =
          client
              .v1()
              .events()
              .inNamespace(namespace)
              .list(new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build());
      for (Event e : page.getItems()) {
        if ((name == null || name.equals(e.getInvolvedObject().getName()))
            && (kind == null || kind.equalsIgnoreCase(e.getInvolvedObject().getKind()))) {
          matched++;
          kept.add(e);
          if (kept.size() > limit) {
            kept.poll();
          }
        }
      }
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
      pages++;
    } while (next != null && !next.isEmpty() && pages < MAX_PAGES);
    boolean unread = next != null && !next.isEmpty();
    List<Event> events = kept.stream().sorted(ORDER).toList();
    String scope =
        name == null
            ? "namespace " + namespace
            : (kind == null ? "" : kind + " ") + namespace + "/" + name;
    if (events.isEmpty()) {
      return new Observed(
          "no events for " + scope + (unread ? unreadNote() : ""), Map.of("events", 0));
    }
    String lines = events.stream().map(this::line).collect(Collectors.joining("\n"));
    return new Observed(
        "%d events for %s (warnings first, newest first):\n%s%s%s"
            .formatted(
                matched,
                scope,
                lines,
                matched > events.size()
                    ? "\n… and " + (matched - events.size()) + " more not shown"
                    : "",
                unread ? unreadNote() : ""),
        Map.of("events", matched));
  }

  private static String unreadNote() {
    return "\n[more than " + PAGE * MAX_PAGES + " events in the namespace: the rest were not read]";
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
