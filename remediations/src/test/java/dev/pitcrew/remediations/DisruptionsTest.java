package dev.pitcrew.remediations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Taking no more down than allowed: a pod is deleted through the Eviction API, so its
 * PodDisruptionBudgets decide, and a cordon says what runs on the node and which budget is at zero.
 * On Fabric8's CRUD mock, whose evictions DryRunCrudDispatcher answers from the budget's status as
 * the API server does (no disruption controller computes that status here).
 */
@EnableDryRunMockClient
class DisruptionsTest {
  static KubernetesClient client;

  private final Cluster cluster = new Cluster(client);

  private static final JsonNode POD =
      MutationsTest.args("{\"namespace\":\"shop\",\"name\":\"checkout-hash3-pod0\"}");

  @BeforeEach
  void seed() {
    cluster.reset("shop");
    client.policy().v1().podDisruptionBudget().inNamespace("shop").delete();
    cluster.checkoutAfterBadRollout("shop");
  }

  private void budget(int disruptionsAllowed) {
    client
        .resource(
            new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("checkout")
                .endMetadata()
                .withNewSpec()
                .withMinAvailable(new IntOrString(2))
                .withNewSelector()
                .addToMatchLabels("app", "checkout")
                .endSelector()
                .endSpec()
                .withNewStatus()
                .withCurrentHealthy(2)
                .withDesiredHealthy(2)
                .withExpectedPods(3)
                .withDisruptionsAllowed(disruptionsAllowed)
                .endStatus()
                .build())
        .create();
  }

  private static Remediation action(String name) {
    return Remediations.named(name, client, MutationsTest.OPTIONS);
  }

  private static boolean podExists() {
    return client.pods().inNamespace("shop").withName("checkout-hash3-pod0").get() != null;
  }

  @Test
  void aBudgetAtZeroRefusesTheDeleteBeforeAnyCardNamingTheBudget() {
    budget(0);

    Preview preview = action("pod.delete").preview(POD);

    assertThat(preview).isInstanceOf(Refused.class);
    assertThat(preview.summary())
        .isEqualTo(
            "Refused: deleting pod shop/checkout-hash3-pod0 would take more down than"
                + " PodDisruptionBudget shop/checkout (minAvailable 2; 2 of 3 healthy, 0"
                + " disruptions allowed) allows; nothing is deleted");
    assertThat(action("pod.delete").execute(POD, MutationsTest.CONTEXT))
        .isInstanceOf(Refused.class);
    assertThat(podExists()).isTrue();
  }

  @Test
  void aBudgetWithRoomIsNamedOnTheCardAndTheEvictionDeletesThePod() {
    budget(1);

    Preview preview = action("pod.delete").preview(POD);

    assertThat(preview).isInstanceOf(Plan.class);
    assertThat(preview.summary())
        .endsWith(
            "ReplicaSet checkout-hash3 will create a replacement; within PodDisruptionBudget"
                + " shop/checkout (minAvailable 2; 2 of 3 healthy, 1 disruption allowed)");
    assertThat(podExists()).as("the preview's eviction is a dry run").isTrue();
    assertThat(action("pod.delete").execute(POD, MutationsTest.CONTEXT))
        .isInstanceOf(Applied.class);
    assertThat(podExists()).isFalse();
  }

  @Test
  void aBudgetThatReachesZeroAfterTheCardMakesTheApiServerRefuseAndNothingIsDeleted() {
    budget(1);
    assertThat(action("pod.delete").preview(POD)).isInstanceOf(Plan.class);
    client
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace("shop")
        .withName("checkout")
        .editStatus(
            b -> {
              b.getStatus().setDisruptionsAllowed(0);
              return b;
            });

    Outcome outcome = action("pod.delete").execute(POD, MutationsTest.CONTEXT);

    assertThat(outcome).isInstanceOf(Refused.class);
    assertThat(outcome.summary()).contains("PodDisruptionBudget shop/checkout");
    assertThat(podExists()).isTrue();
  }

  @Test
  void aStaticPodIsRefused() {
    client
        .pods()
        .inNamespace("shop")
        .withName("checkout-hash3-pod0")
        .edit(
            p -> {
              p.getMetadata()
                  .setAnnotations(java.util.Map.of("kubernetes.io/config.mirror", "abc"));
              return p;
            });

    assertThat(action("pod.delete").preview(POD).summary()).contains("is a static pod");
  }

  @Test
  void aCordonSaysHowManyPodsRunOnTheNodeAndWhichBudgetIsAtZero() {
    cluster.node("node-1", true, false, null);
    cluster.node("node-2", true, false, null);
    budget(0);

    Preview preview = action("node.cordon").preview(MutationsTest.args("{\"name\":\"node-1\"}"));

    // checkout-hash3-pod0 and pod2 run on node-1, pod1 on node-2.
    assertThat(preview.summary())
        .isEqualTo(
            "Cordon node node-1. Warning: 2 pods run on node-1 (0 of them DaemonSet pods);"
                + " cordoning moves none of them; PodDisruptionBudget shop/checkout (minAvailable"
                + " 2; 2 of 3 healthy, 0 disruptions allowed) allows no disruption now");
    assertThat(action("node.uncordon").permissions()).noneMatch(p -> p.resource().equals("pods"));
  }
}
