package dev.pitcrew.remediations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * set_resources on Fabric8's CRUD mock (dry run honoured by the test dispatcher; no admission, so
 * the API server's own check that requests do not exceed limits is not exercised here).
 */
@EnableDryRunMockClient
class SetResourcesTest {
  static KubernetesClient client;

  private final Cluster cluster = new Cluster(client);

  @BeforeEach
  void seed() {
    cluster.reset("shop");
    cluster.checkoutAfterBadRollout("shop");
  }

  private static Remediation action() {
    return Remediations.named("deployment.set_resources", client, MutationsTest.OPTIONS);
  }

  private static JsonNode args(String json) {
    return MutationsTest.args(json);
  }

  private Container checkout() {
    Deployment d = client.apps().deployments().inNamespace("shop").withName("checkout").get();
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private void limits(Map<String, Quantity> limits, Map<String, Quantity> requests) {
    Deployment d = client.apps().deployments().inNamespace("shop").withName("checkout").get();
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    c.setResources(
        new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
            .withLimits(limits)
            .withRequests(requests)
            .build());
    client.resource(d).update();
  }

  @Test
  void raisesAMemoryLimitAndKeepsEverythingElseOfTheContainer() {
    limits(Map.of("memory", new Quantity("256Mi")), Map.of("memory", new Quantity("128Mi")));
    String image = checkout().getImage();
    JsonNode arguments =
        args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"memory\":\"512Mi\"}");

    Preview preview = action().preview(arguments);
    assertThat(preview).isInstanceOf(Plan.class);
    Plan plan = (Plan) preview;
    assertThat(plan.summary())
        .isEqualTo(
            "Set resources of container checkout in deployment shop/checkout: memory limit 256Mi"
                + " -> 512Mi");
    assertThat(plan.inverse().orElseThrow().arguments()).containsEntry("memory", "256Mi");
    assertThat(checkout().getResources().getLimits().get("memory"))
        .isEqualTo(new Quantity("256Mi"));

    Outcome outcome = action().execute(arguments, MutationsTest.CONTEXT);

    assertThat(outcome).isInstanceOf(Applied.class);
    assertThat(checkout().getResources().getLimits().get("memory"))
        .isEqualTo(new Quantity("512Mi"));
    assertThat(checkout().getResources().getRequests().get("memory"))
        .isEqualTo(new Quantity("128Mi"));
    assertThat(checkout().getImage()).isEqualTo(image);
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("checkout")
                .get()
                .getMetadata()
                .getAnnotations())
        .containsEntry("pitcrew.dev/change-id", "apr-1");
  }

  @Test
  void aLimitAboveTheCapOrMoreThanFourfoldIsOverLimits() {
    limits(Map.of("memory", new Quantity("256Mi")), Map.of());

    assertThat(
            action()
                .preview(
                    args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"memory\":\"32Gi\"}")))
        .isEqualTo(
            Refused.overLimits("memory limit 32Gi is above the most set_resources allows (16Gi)"));
    assertThat(
            action()
                .preview(args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"memory\":\"2Gi\"}")))
        .isEqualTo(
            Refused.overLimits(
                "changing the memory limit from 256Mi to 2Gi is more than a factor of 4 in one"
                    + " approval"));
  }

  @Test
  void aFirstLimitBelowTheFloorIsOverLimitsThoughNoFactorBoundsIt() {
    limits(Map.of(), Map.of());

    assertThat(
            action()
                .preview(args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"memory\":\"1Mi\"}")))
        .isEqualTo(
            Refused.overLimits("memory limit 1Mi is below the least set_resources allows (32Mi)"));
    assertThat(
            action().preview(args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"cpu\":\"1m\"}")))
        .isEqualTo(
            Refused.overLimits("cpu limit 1m is below the least set_resources allows (10m)"));
    assertThat(
            action()
                .preview(
                    args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"memory\":\"64Mi\"}")))
        .isInstanceOf(Plan.class);
  }

  @Test
  void aNewLimitBelowTheRequestLowersTheRequestAndHasNoOneStepUndo() {
    limits(Map.of("cpu", new Quantity("2")), Map.of("cpu", new Quantity("1")));

    Plan plan =
        (Plan)
            action()
                .preview(args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"cpu\":\"500m\"}"));

    assertThat(plan.changes())
        .containsExactly(
            new Change("container checkout cpu limit", "2", "500m"),
            new Change("container checkout cpu request", "1", "500m"));
    assertThat(plan.inverse()).isEmpty();
  }

  @Test
  void nothingToChangeOrAnUnknownContainerIsRefused() {
    assertThat(action().preview(args("{\"namespace\":\"shop\",\"name\":\"checkout\"}")))
        .isEqualTo(new Refused("give memory, cpu or both: nothing to change"));
    assertThat(
            action()
                .preview(
                    args(
                        "{\"namespace\":\"shop\",\"name\":\"checkout\",\"container\":\"sidecar\","
                            + "\"memory\":\"512Mi\"}")))
        .isEqualTo(
            new Refused(
                "deployment shop/checkout has containers [checkout]; name one of them as"
                    + " container"));
  }
}
