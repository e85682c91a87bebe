package dev.pitcrew.remediations;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
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
    editCheckout(
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

    editCheckout(
        d -> {
          d.getMetadata().getLabels().remove("kustomize.toolkit.fluxcd.io/name");
          return d;
        });
    argoTracked();
    assertThat(preview("deployment.scale", SCALE)).contains("Argo CD manages this object");
  }

  @Test
  void aDeploymentNothingElseManagesHasNoWarning() {
    assertThat(preview("deployment.scale", SCALE))
        .isEqualTo("Scale deployment shop/checkout from 3 to 5 replicas");
    assertThat(action("deployment.status").execute(MutationsTest.CHECKOUT, null).summary())
        .doesNotContain("HorizontalPodAutoscaler");
  }

  private static void editCheckout(java.util.function.UnaryOperator<Deployment> change) {
    client.apps().deployments().inNamespace("shop").withName("checkout").edit(change);
  }

  private void argoTracked() {
    editCheckout(
        d -> {
          d.getMetadata()
              .setAnnotations(
                  new java.util.HashMap<>(
                      java.util.Map.of(
                          "argocd.argoproj.io/tracking-id", "shop:apps/Deployment:shop/checkout")));
          return d;
        });
  }

  @Test
  void withGitOpsRefusedAChangeArgoCdWouldRevertIsRefusedBeforeAnyCardAndAtExecution() {
    argoTracked();
    Remediation scale =
        Remediations.named(
            "deployment.scale",
            client,
            MutationsTest.OPTIONS.withGitOps(Remediations.GitOpsChanges.REFUSE));

    Preview preview = scale.preview(MutationsTest.args(SCALE));
    assertThat(preview).isInstanceOf(Refused.class);
    assertThat(preview.summary())
        .contains("deployment shop/checkout: Argo CD manages it")
        .contains("gitops: refuse")
        .contains("change it in Git");
    // Approved while the policy warned, run after it turned to refuse: still nothing is written.
    assertThat(scale.execute(MutationsTest.args(SCALE), MutationsTest.CONTEXT))
        .isInstanceOf(Refused.class);
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("checkout")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(3);
  }

  private static final String RAISE_MIN =
      "{\"namespace\":\"shop\",\"name\":\"checkout\",\"minReplicas\":5}";

  @Test
  void scaleAutoscalerPreviewsTheNewBoundsWhatTheyDoAtOnceAndItsInverse() {
    autoscaled();

    Preview preview = action("autoscaler.scale").preview(MutationsTest.args(RAISE_MIN));

    assertThat(preview).isInstanceOf(Plan.class);
    Plan plan = (Plan) preview;
    assertThat(plan.summary())
        .isEqualTo(
            "Set HorizontalPodAutoscaler shop/checkout to min 5, max 10 replicas (was min 2, max"
                + " 10). Warning: Deployment checkout runs 3 replicas now: the autoscaler will"
                + " scale it up to 5 at once");
    assertThat(plan.changes()).containsExactly(new Change("spec.minReplicas", 2, 5));
    assertThat(plan.inverse())
        .contains(
            new Inverse(
                "autoscaler.scale",
                java.util.Map.of(
                    "namespace", "shop", "name", "checkout", "minReplicas", 2, "maxReplicas", 10)));
    assertThat(hpa().getSpec().getMinReplicas()).isEqualTo(2);
  }

  @Test
  void scaleAutoscalerWritesTheBoundsAndRecordsAnEvent() {
    autoscaled();

    Outcome outcome =
        action("autoscaler.scale")
            .execute(
                MutationsTest.args(
                    "{\"namespace\":\"shop\",\"name\":\"checkout\",\"maxReplicas\":20}"),
                MutationsTest.CONTEXT);

    assertThat(outcome).isInstanceOf(Applied.class);
    assertThat(hpa().getSpec().getMaxReplicas()).isEqualTo(20);
    assertThat(hpa().getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa().getMetadata().getAnnotations())
        .containsEntry(ChangeRecorder.CORRELATION_ID, "pc-0123456789ab");
    assertThat(client.v1().events().inNamespace("shop").list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("PitcrewAutoscalerScaled"));
  }

  @Test
  void scaleAutoscalerRefusesCrossedBoundsNoBoundsANoOpAndAMissingAutoscaler() {
    autoscaled();
    Remediation bounds = action("autoscaler.scale");

    assertThat(
            bounds
                .preview(
                    MutationsTest.args(
                        "{\"namespace\":\"shop\",\"name\":\"checkout\",\"minReplicas\":12}"))
                .summary())
        .isEqualTo(
            "Refused: minReplicas 12 would be above maxReplicas 10 for HorizontalPodAutoscaler"
                + " shop/checkout");
    assertThat(bounds.preview(MutationsTest.CHECKOUT).summary())
        .startsWith("Refused: say minReplicas, maxReplicas or both");
    assertThat(
            bounds
                .preview(
                    MutationsTest.args(
                        "{\"namespace\":\"shop\",\"name\":\"checkout\",\"minReplicas\":2}"))
                .summary())
        .endsWith("already has minReplicas 2 and maxReplicas 10; nothing to change");
    assertThat(
            bounds
                .preview(
                    MutationsTest.args(
                        "{\"namespace\":\"shop\",\"name\":\"cart\",\"minReplicas\":2}"))
                .summary())
        .isEqualTo("Refused: HorizontalPodAutoscaler shop/cart was not found");
  }

  private static io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler hpa() {
    return client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace("shop")
        .withName("checkout")
        .get();
  }
}
