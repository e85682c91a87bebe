package dev.pitcrew.remediations;

import static dev.pitcrew.remediations.MutationsTest.args;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Events read in pages, as an API server serves a namespace with many: the scripted answers stand
 * in for its pages (the CRUD mock serves no continue tokens) and check the query Pitcrew sends.
 */
@EnableKubernetesMockClient(https = false)
class RecentEventsPagingTest {
  private static final String EVENTS = "/api/v1/namespaces/shop/events";

  static KubernetesMockServer server;
  static KubernetesClient client;

  private static Event event(int i, String type) {
    return new EventBuilder()
        .withNewMetadata()
        .withName("e" + i)
        .withNamespace("shop")
        .endMetadata()
        .withNewInvolvedObject()
        .withKind("Pod")
        .withName("checkout-" + i)
        .endInvolvedObject()
        .withType(type)
        .withReason(type.equals("Warning") ? "BackOff" : "Pulled")
        .withMessage("event " + i)
        .withLastTimestamp("2026-11-21T09:%02d:00Z".formatted(i % 60))
        .withCount(1)
        .build();
  }

  private static List<Event> events(int from, int to, String type) {
    List<Event> events = new ArrayList<>();
    for (int i = from; i < to; i++) {
      events.add(event(i, type));
    }
    return events;
  }

  @Test
  void everyPageIsReadAndOnlyTheBestEventsAreKept() {
    server
        .expect()
        .get()
        .withPath(EVENTS + "?limit=500")
        .andReturn(
            200,
            new EventListBuilder()
                .withNewMetadata()
                .withContinue("page-2")
                .endMetadata()
                .withItems(events(0, 500, "Normal"))
                .build())
        .once();
    server
        .expect()
        .get()
        .withPath(EVENTS + "?continue=page-2&limit=500")
        .andReturn(
            200,
            new EventListBuilder()
                .withNewMetadata()
                .endMetadata()
                .withItems(events(500, 502, "Warning"))
                .build())
        .once();

    Outcome outcome =
        Remediations.named("events.list", client, MutationsTest.OPTIONS)
            .execute(
                args("{\"namespace\":\"shop\",\"limit\":3}"), ChangeContext.readOnly("pc-1", "U"));

    assertThat(outcome.summary())
        .startsWith("502 events for namespace shop (warnings first, newest first):\n")
        .contains("Warning BackOff Pod/checkout-501")
        .contains("Warning BackOff Pod/checkout-500")
        .endsWith("… and 499 more not shown");
  }
}
