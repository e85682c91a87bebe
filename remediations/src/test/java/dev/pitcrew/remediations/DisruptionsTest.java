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
    client.pods().inNamespace("kube-system").delete();
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

  /** A pod on {@code node} owned by a {@code kind}, or by nothing when kind is null. */
  private static void podOn(String namespace, String name, String node, String kind) {
    var builder =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .addToLabels("app", name)
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .addNewContainer()
            .withName("c")
            .withImage("registry.example/c:v1")
            .endContainer()
            .endSpec();
    if (kind != null) {
      builder
          .editMetadata()
          .addNewOwnerReference()
          .withApiVersion("apps/v1")
          .withKind(kind)
          .withName(name + "-owner")
          .withUid("uid-" + name)
          .withController(true)
          .endOwnerReference()
          .endMetadata();
    }
    client.resource(builder.build()).create();
  }

  /** node-1 runs checkout pods 0 and 2, a DaemonSet pod, a kube-system pod and an orphan. */
  private void busyNode() {
    cluster.node("node-1", true, false, null);
    podOn("shop", "log-agent-x1", "node-1", "DaemonSet");
    podOn("shop", "debug", "node-1", null);
    client
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("kube-system")
                .endMetadata()
                .build())
        .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
    client.pods().inNamespace("kube-system").delete();
    podOn("kube-system", "coredns-1", "node-1", "ReplicaSet");
  }

  private static Remediation drain(DrainNode.Sleeper sleeper, java.time.Clock clock) {
    DrainNode drain =
        new DrainNode(
            client,
            new ChangeRecorder(client, clock, Masking.shipped(), Remediations.GitOpsChanges.WARN),
            clock);
    return drain
        .sleeping(sleeper)
        .within(new Remediation.Namespaces(java.util.Set.of(), java.util.Set.of("kube-system")));
  }

  private static final JsonNode NODE_1 = MutationsTest.args("{\"name\":\"node-1\"}");

  @Test
  void aDrainPreviewNamesWhatItEvictsWhatStaysAndChangesNothing() {
    busyNode();
    Remediation drain =
        drain(d -> {}, java.time.Clock.fixed(Cluster.NOW, java.time.ZoneOffset.UTC));

    Preview preview = drain.preview(NODE_1);

    assertThat(preview.summary())
        .isEqualTo(
            "Drain node node-1: cordon it, then evict 2 pods (shop/checkout-hash3-pod0,"
                + " shop/checkout-hash3-pod2); 1 DaemonSet pods stay; staying: shop/debug (no"
                + " controller would recreate it), kube-system/coredns-1 (namespace kube-system"
                + " is protected)");
    assertThat(((Plan) preview).inverse())
        .contains(new Inverse("node.uncordon", java.util.Map.of("name", "node-1")));
    assertThat(client.nodes().withName("node-1").get().getSpec().getUnschedulable()).isFalse();
    assertThat(client.pods().inAnyNamespace().list().getItems()).hasSize(6);
  }

  @Test
  void aDrainCordonsEvictsWhatMayMoveAndLeavesTheRest() {
    busyNode();
    Remediation drain =
        drain(d -> {}, java.time.Clock.fixed(Cluster.NOW, java.time.ZoneOffset.UTC));

    Outcome outcome = drain.execute(NODE_1, MutationsTest.CONTEXT);

    assertThat(outcome).isInstanceOf(Applied.class);
    assertThat(outcome.summary())
        .startsWith(
            "Drained node node-1: cordoned; evicted 2 pods (shop/checkout-hash3-pod0,"
                + " shop/checkout-hash3-pod2)");
    assertThat(client.nodes().withName("node-1").get().getSpec().getUnschedulable()).isTrue();
    assertThat(client.pods().inAnyNamespace().list().getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("checkout-hash3-pod1", "log-agent-x1", "debug", "coredns-1");
  }

  // Regression: Fabric8 retries a 429 with back-off on its own, which held each refused eviction
  // for most of two minutes (this test took 153 s); the budget's answer must come back at once.
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void anEvictionABudgetHoldsUpIsRetriedUntilTheWaitEndsThenReported() {
    busyNode();
    budget(0);
    java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
        new java.util.concurrent.atomic.AtomicReference<>(Cluster.NOW);
    java.time.Clock clock =
        new java.time.Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public java.time.Instant instant() {
            return now.get();
          }
        };
    java.util.List<java.time.Duration> waits = new java.util.ArrayList<>();
    Remediation drain =
        drain(
            d -> {
              waits.add(d);
              now.set(now.get().plus(d));
            },
            clock);

    assertThat(
            drain.preview(MutationsTest.args("{\"name\":\"node-1\",\"waitSeconds\":12}")).summary())
        .contains(
            ". Warning: PodDisruptionBudget shop/checkout (minAvailable 2; 2 of 3 healthy, 0"
                + " disruptions allowed) allows no disruption now: shop/checkout-hash3-pod0,"
                + " shop/checkout-hash3-pod2 will be retried for up to 12 s, then reported");
    Outcome outcome =
        drain.execute(
            MutationsTest.args("{\"name\":\"node-1\",\"waitSeconds\":12}"), MutationsTest.CONTEXT);

    assertThat(waits).containsExactly(DrainNode.RETRY_EVERY, DrainNode.RETRY_EVERY);
    assertThat(outcome.summary())
        .contains(
            "evicted 0 pods; not evicted: shop/checkout-hash3-pod0 (PodDisruptionBudget"
                + " shop/checkout (minAvailable 2; 2 of 3 healthy, 0 disruptions allowed) allowed"
                + " no disruption)");
    assertThat(client.pods().inNamespace("shop").withName("checkout-hash3-pod0").get()).isNotNull();
  }
}
