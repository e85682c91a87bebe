package dev.pitcrew.remediations;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Deployment something else manages: an autoscaler that sets its replicas, Argo CD or Flux that
 * sync it from Git. Their warning is part of the preview (the card's summary, the model's tool
 * result, the audit line). On Fabric8's CRUD mock, which keeps the autoscaler but runs none.
 */
@EnableDryRunMockClient
class ManagedElsewhereTest {
  static KubernetesClient client;

  private final Cluster cluster = new Cluster(client);

  @BeforeEach
  void seed() {
    cluster.reset("shop");
    client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("shop").delete();
    client.resource(Deployments.ready("shop", "checkout", 3)).create();
  }

  private void autoscaled() {
    client
        .resource(
            new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName("checkout")
                .withNamespace("shop")
                .endMetadata()
                .withNewSpec()
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName("checkout")
                .endScaleTargetRef()
                .withMinReplicas(2)
                .withMaxReplicas(10)
                .addNewMetric()
                .withType("Resource")
                .withNewResource()
                .withName("cpu")
                .withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(80)
                .endTarget()
                .endResource()
                .endMetric()
                .endSpec()
                .withNewStatus()
                .withCurrentReplicas(3)
                .withDesiredReplicas(3)
                .endStatus()
                .build())
        .create();
  }

  private static Remediation action(String name) {
    return Remediations.named(name, client, MutationsTest.OPTIONS);
  }

  private static String preview(String action, String json) {
    Preview preview = action(action).preview(MutationsTest.args(json));
    assertThat(preview).isInstanceOf(Plan.class);
    return preview.summary();
  }

  private static final String SCALE =
      "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}";

  @Test
  void anAutoscaledDeploymentSaysSoInItsStatusAndWhenScaled() {
    autoscaled();

    Outcome status = action("deployment.status").execute(MutationsTest.CHECKOUT, null);
    assertThat(status.summary())
        .contains(
            "replicas set by HorizontalPodAutoscaler shop/checkout (min 2, max 10, current 3;"
                + " targets cpu 80%)");
    assertThat(preview("deployment.scale", SCALE))
        .startsWith("Scale deployment shop/checkout from 3 to 5 replicas. Warning: ")
        .contains("HorizontalPodAutoscaler shop/checkout (min 2, max 10")
        .contains("will override 5 within seconds");
  }

  @Test
  void aGitOpsManagedDeploymentWarnsThatTheNextSyncMayRevertTheChange() {
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("checkout")
        .edit(
            d -> {
              java.util.Map<String, String> labels = new java.util.HashMap<>();
              if (d.getMetadata().getLabels() != null) {
                labels.putAll(d.getMetadata().getLabels());
              }
              labels.put("kustomize.toolkit.fluxcd.io/name", "shop");
              d.getMetadata().setLabels(labels);
              return d;
            });
    assertThat(preview("deployment.scale", SCALE))
        .contains("Flux manages this object: its next sync may revert this change");
    assertThat(preview("deployment.restart", MutationsTest.CHECKOUT.toString()))
        .contains("Flux manages this object");

    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("checkout")
        .edit(
            d -> {
              d.getMetadata().getLabels().remove("kustomize.toolkit.fluxcd.io/name");
              d.getMetadata()
                  .setAnnotations(
                      new java.util.HashMap<>(
                          java.util.Map.of(
                              "argocd.argoproj.io/tracking-id",
                              "shop:apps/Deployment:shop/checkout")));
              return d;
            });
    assertThat(preview("deployment.scale", SCALE)).contains("Argo CD manages this object");
  }

  @Test
  void aDeploymentNothingElseManagesHasNoWarning() {
    assertThat(preview("deployment.scale", SCALE))
        .isEqualTo("Scale deployment shop/checkout from 3 to 5 replicas");
    assertThat(action("deployment.status").execute(MutationsTest.CHECKOUT, null).summary())
        .doesNotContain("HorizontalPodAutoscaler");
  }
}
