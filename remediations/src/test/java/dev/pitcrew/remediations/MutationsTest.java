package dev.pitcrew.remediations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each mutation on Fabric8's CRUD mock server. The mock keeps objects but runs no controllers,
 * enforces no RBAC; dry run is honoured by the test dispatcher (EnableDryRunMockClient), and
 * KubernetesFailuresTest covers a dry run the server refuses.
 */
@EnableDryRunMockClient
class MutationsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ChangeContext CONTEXT =
      new ChangeContext("pc-0123456789ab", "UREQ", "UAPP", "apr-1");
  static final Remediations.Options OPTIONS =
      Remediations.Options.defaults().withClock(Clock.fixed(Cluster.NOW, ZoneOffset.UTC));

  static KubernetesClient client;

  private final Cluster cluster = new Cluster(client);

  @BeforeEach
  void seed() {
    cluster.reset("shop");
    cluster.checkoutAfterBadRollout("shop");
  }

  static Remediation action(String name) {
    return Remediations.named(name, client, OPTIONS);
  }

  static JsonNode args(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static final JsonNode CHECKOUT = args("{\"namespace\":\"shop\",\"name\":\"checkout\"}");

  private Deployment checkout() {
    return client.apps().deployments().inNamespace("shop").withName("checkout").get();
  }

  private List<Event> pitcrewEvents() {
    return client.v1().events().inNamespace("shop").list().getItems().stream()
        .filter(e -> e.getReason().startsWith("Pitcrew"))
        .toList();
  }

  @Test
  void scalePreviewShowsTheChangeAndItsInverseWithoutChangingAnything() {
    Preview preview =
        action("deployment.scale")
            .preview(args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}"));

    assertThat(preview)
        .isEqualTo(
            new Plan(
                "Scale deployment shop/checkout from 3 to 5 replicas",
                List.of(new Change("spec.replicas", 3, 5)),
                Optional.of(
                    new Inverse(
                        "deployment.scale",
                        Map.of("namespace", "shop", "name", "checkout", "replicas", 3)))));
    assertThat(checkout().getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void scaleRefusesANoOpAndAMissingDeployment() {
    assertThat(
            action("deployment.scale")
                .preview(args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":3}")))
        .isEqualTo(
            new Refused("deployment shop/checkout already has 3 replicas; nothing to change"));
    assertThat(
            action("deployment.scale")
                .preview(args("{\"namespace\":\"shop\",\"name\":\"nope\",\"replicas\":3}")))
        .isEqualTo(new Refused("deployment shop/nope was not found"));
  }

  @Test
  void scaleAppliesAnnotatesRecordsAnEventAndAsksForVerification() {
    Outcome outcome =
        action("deployment.scale")
            .execute(
                args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}"), CONTEXT);

    assertThat(outcome).isInstanceOf(Applied.class);
    Applied applied = (Applied) outcome;
    assertThat(applied.summary()).isEqualTo("Scaled deployment shop/checkout from 3 to 5 replicas");
    assertThat(applied.inverse().orElseThrow().arguments()).containsEntry("replicas", 3);
    assertThat(applied.rollout()).contains(new Rollout("shop", "checkout"));
    assertThat(checkout().getSpec().getReplicas()).isEqualTo(5);
    assertThat(checkout().getMetadata().getAnnotations())
        .containsEntry("pitcrew.dev/correlation-id", "pc-0123456789ab")
        .containsEntry("pitcrew.dev/requested-by", "UREQ")
        .containsEntry("pitcrew.dev/approved-by", "UAPP")
        .containsEntry("pitcrew.dev/change-id", "apr-1");
    assertThat(pitcrewEvents())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getReason()).isEqualTo("PitcrewScaled");
              assertThat(e.getInvolvedObject().getKind()).isEqualTo("Deployment");
              assertThat(e.getMessage())
                  .contains("from 3 to 5")
                  .contains("requested by UREQ")
                  .contains("approved by UAPP")
                  .contains("pc-0123456789ab");
            });
  }

  @Test
  void aWriteHeldToTheApprovedChangesRunsOnlyIfItsPlanStillShowsThem() {
    Remediation scale = action("deployment.scale");
    JsonNode five = args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}");
    // Approved as 3 -> 5; someone scaled to 4 between the click and the write.
    client.apps().deployments().inNamespace("shop").withName("checkout").scale(4);

    Outcome refused = scale.execute(five, CONTEXT.approving(List.of("spec.replicas: 3 -> 5")));

    assertThat(refused)
        .isEqualTo(
            new Refused(
                "the target changed since the change was approved: it was approved as"
                    + " [spec.replicas: 3 -> 5], now it would be [spec.replicas: 4 -> 5]"));
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("checkout")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(4);
    assertThat(scale.execute(five, CONTEXT.approving(List.of("spec.replicas: 4 -> 5"))))
        .isInstanceOf(Applied.class);
  }

  @Test
  void aChangeOnANamedClusterNamesItInTheAnnotationAndTheEvent() {
    action("deployment.scale")
        .execute(
            args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":4}"),
            CONTEXT.onCluster("prod"));

    assertThat(checkout().getMetadata().getAnnotations())
        .containsEntry("pitcrew.dev/cluster", "prod");
    assertThat(pitcrewEvents())
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).endsWith(", cluster prod)"));
  }

  @Test
  void restartSetsTheRestartedAtAnnotationAtExecutionTime() {
    Preview preview = action("deployment.restart").preview(CHECKOUT);
    assertThat(preview.summary())
        .isEqualTo("Restart deployment shop/checkout: replace its 3 pods with a rolling update");

    Outcome outcome = action("deployment.restart").execute(CHECKOUT, CONTEXT);

    assertThat(outcome.summary())
        .isEqualTo(
            "Restarted deployment shop/checkout: replacing its 3 pods with a rolling update");
    assertThat(((Applied) outcome).inverse()).isEmpty();
    assertThat(checkout().getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("kubectl.kubernetes.io/restartedAt", "2026-11-21T10:00:00Z");
    assertThat(pitcrewEvents()).extracting(Event::getReason).containsExactly("PitcrewRestarted");
  }

  @Test
  void pauseAndResumeAreEachOthersInverse() {
    Outcome paused = action("deployment.pause").execute(CHECKOUT, CONTEXT);

    assertThat(paused.summary()).isEqualTo("Paused the rollout of deployment shop/checkout");
    assertThat(checkout().getSpec().getPaused()).isTrue();
    assertThat(((Applied) paused).inverse())
        .contains(
            new Inverse("deployment.resume", Map.of("namespace", "shop", "name", "checkout")));
    assertThat(action("deployment.pause").preview(CHECKOUT))
        .isEqualTo(new Refused("deployment shop/checkout is already paused"));
    assertThat(action("deployment.restart").preview(CHECKOUT)).isInstanceOf(Refused.class);

    Outcome resumed = action("deployment.resume").execute(CHECKOUT, CONTEXT);
    assertThat(resumed.summary()).isEqualTo("Resumed the rollout of deployment shop/checkout");
    assertThat(checkout().getSpec().getPaused()).isFalse();
    assertThat(((Applied) resumed).rollout()).isPresent();
  }

  @Test
  void cordonAndUncordonANode() {
    cluster.node("node-1", true, false, null);
    client.pods().inNamespace("shop").delete(); // nothing runs on it: no warning
    JsonNode node = args("{\"name\":\"node-1\"}");

    Preview preview = action("node.cordon").preview(node);
    assertThat(preview)
        .isEqualTo(
            new Plan(
                "Cordon node node-1",
                List.of(new Change("spec.unschedulable", false, true)),
                Optional.of(new Inverse("node.uncordon", Map.of("name", "node-1")))));
    action("node.cordon").execute(node, CONTEXT);
    assertThat(client.nodes().withName("node-1").get().getSpec().getUnschedulable()).isTrue();
    assertThat(client.nodes().withName("node-1").get().getMetadata().getAnnotations())
        .containsEntry("pitcrew.dev/change-id", "apr-1");
    assertThat(action("node.cordon").preview(node))
        .isEqualTo(new Refused("node node-1 is already cordoned"));

    action("node.uncordon").execute(node, CONTEXT);
    assertThat(client.nodes().withName("node-1").get().getSpec().getUnschedulable()).isFalse();
  }

  @Test
  void eventsAboutANodeAreRecordedInDefaultWithTheNodeAsObject() {
    cluster.node("node-3", true, false, null);

    action("node.cordon").execute(args("{\"name\":\"node-3\"}"), CONTEXT);

    var events = client.v1().events().inNamespace("default").list().getItems();
    assertThat(events)
        .filteredOn(e -> "node-3".equals(e.getInvolvedObject().getName()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
              assertThat(e.getInvolvedObject().getNamespace()).isNull();
              assertThat(e.getReason()).isEqualTo("PitcrewCordoned");
            });
  }

  @Test
  void deletePodThatAControllerReplaces() {
    JsonNode pod = args("{\"namespace\":\"shop\",\"name\":\"checkout-hash3-pod0\"}");

    Preview preview = action("pod.delete").preview(pod);
    assertThat(preview.summary())
        .isEqualTo(
            "Delete pod shop/checkout-hash3-pod0 (Running, 0/1 ready, 5 restarts, on node node-1);"
                + " ReplicaSet checkout-hash3 will create a replacement");

    Outcome outcome = action("pod.delete").execute(pod, CONTEXT);

    assertThat(outcome).isInstanceOf(Applied.class);
    assertThat(client.pods().inNamespace("shop").withName("checkout-hash3-pod0").get()).isNull();
    assertThat(pitcrewEvents()).extracting(Event::getReason).containsExactly("PitcrewDeleted");
  }

  @Test
  void deleteOfAnOrphanPodIsRefused() {
    cluster.orphanPod("shop", "debug-shell");
    JsonNode pod = args("{\"namespace\":\"shop\",\"name\":\"debug-shell\"}");

    assertThat(action("pod.delete").preview(pod).summary())
        .contains("has no controller")
        .contains("nothing would recreate it");
    assertThat(action("pod.delete").execute(pod, CONTEXT)).isInstanceOf(Refused.class);
    assertThat(client.pods().inNamespace("shop").withName("debug-shell").get()).isNotNull();
  }
}
