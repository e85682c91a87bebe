package dev.pitcrew.remediations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** On Fabric8's CRUD mock server, which keeps objects but runs no controllers and no RBAC. */
@EnableKubernetesMockClient(crud = true, https = false)
class ScaleDeploymentTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ChangeContext CONTEXT = new ChangeContext("pc-0123456789ab", "UREQ", "UAPP");

  static KubernetesClient client;

  private Remediation scale;

  @BeforeEach
  void seed() {
    client.apps().deployments().inNamespace("shop").delete();
    client.v1().events().inNamespace("shop").delete();
    client.resource(Deployments.ready("shop", "checkout", 3)).create();
    scale =
        Remediations.scaleDeployment(
            client, Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));
  }

  @Test
  void previewShowsTheExactChangeAndItsInverseWithoutChangingAnything() {
    Preview preview = scale.preview(args("shop", "checkout", 5));

    assertThat(preview).isInstanceOf(Plan.class);
    Plan plan = (Plan) preview;
    assertThat(plan.summary()).isEqualTo("Scale deployment shop/checkout from 3 to 5 replicas");
    assertThat(plan.changes()).containsExactly(new Change("spec.replicas", 3, 5));
    assertThat(plan.inverse())
        .isEqualTo(Map.of("namespace", "shop", "name", "checkout", "replicas", 3));
    assertThat(replicas()).isEqualTo(3);
  }

  @Test
  void previewRefusesAMissingDeployment() {
    assertThat(scale.preview(args("shop", "nope", 5)))
        .isEqualTo(new Refused("deployment shop/nope was not found"));
  }

  @Test
  void previewRefusesAScaleThatChangesNothing() {
    assertThat(scale.preview(args("shop", "checkout", 3)))
        .isEqualTo(
            new Refused("deployment shop/checkout already has 3 replicas; nothing to change"));
  }

  @Test
  void executeScalesAnnotatesAndRecordsAnEvent() {
    Outcome outcome = scale.execute(args("shop", "checkout", 5), CONTEXT);

    assertThat(outcome).isInstanceOf(Applied.class);
    Applied applied = (Applied) outcome;
    assertThat(applied.summary()).isEqualTo("Scaled deployment shop/checkout from 3 to 5 replicas");
    assertThat(applied.inverse()).containsEntry("replicas", 3);
    Deployment after = client.apps().deployments().inNamespace("shop").withName("checkout").get();
    assertThat(after.getSpec().getReplicas()).isEqualTo(5);
    assertThat(after.getMetadata().getAnnotations())
        .containsEntry("pitcrew.dev/correlation-id", "pc-0123456789ab")
        .containsEntry("pitcrew.dev/requested-by", "UREQ")
        .containsEntry("pitcrew.dev/approved-by", "UAPP")
        .containsEntry(DeploymentStatus.REVISION_ANNOTATION, "4");

    List<Event> events = client.v1().events().inNamespace("shop").list().getItems();
    assertThat(events).hasSize(1);
    Event event = events.get(0);
    assertThat(event.getReason()).isEqualTo("PitcrewScaled");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("Deployment");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("checkout");
    assertThat(event.getMessage())
        .contains("from 3 to 5")
        .contains("requested by UREQ")
        .contains("approved by UAPP")
        .contains("pc-0123456789ab");
  }

  @Test
  void executeOnAMissingDeploymentIsRefusedNotThrown() {
    assertThat(scale.execute(args("shop", "gone", 2), CONTEXT))
        .isEqualTo(new Refused("deployment shop/gone was not found"));
  }

  @Test
  void statusDescribesReplicasImagesRevisionAndConditions() {
    Outcome outcome =
        Remediations.deploymentStatus(client)
            .execute(
                JSON.createObjectNode().put("namespace", "shop").put("name", "checkout"),
                ChangeContext.readOnly("pc-1", "UREQ"));

    assertThat(outcome).isInstanceOf(Observed.class);
    assertThat(outcome.summary())
        .isEqualTo(
            "deployment shop/checkout: 3 desired, 3 ready, 3 updated, 3 available; revision 4;"
                + " images checkout=registry.example/checkout:v4; conditions Available=True"
                + " (MinimumReplicasAvailable)");
    assertThat(((Observed) outcome).data()).containsEntry("paused", false);
  }

  private int replicas() {
    return client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("checkout")
        .get()
        .getSpec()
        .getReplicas();
  }

  static JsonNode args(String namespace, String name, int replicas) {
    return JSON.createObjectNode()
        .put("namespace", namespace)
        .put("name", name)
        .put("replicas", replicas);
  }
}
