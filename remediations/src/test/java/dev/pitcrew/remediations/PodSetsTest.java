package dev.pitcrew.remediations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * StatefulSets and DaemonSets through today's runbooks, by their {@code kind} argument: status,
 * history from ControllerRevisions, rollback, restart, scale and rollout verification. The mock
 * runs no StatefulSet or DaemonSet controller: the test writes the revisions, pods and status one
 * would write.
 */
@EnableDryRunMockClient
class PodSetsTest {
  static KubernetesClient client;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Cluster cluster = new Cluster(client);

  private static PodTemplateSpec template(String app, String image) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .addToLabels("app", app)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("db")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  @BeforeEach
  void seed() {
    cluster.reset("shop");
    client.apps().statefulSets().inNamespace("shop").delete();
    client.apps().daemonSets().inNamespace("shop").delete();
    client.apps().controllerRevisions().inNamespace("shop").delete();
    client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("shop").delete();
  }

  /** orders-db: revision 1 (postgres:16.1) running on 2 pods, revision 2 (16.2) on orders-db-2. */
  private StatefulSet ordersDb(String strategy, Integer partition) {
    var spec =
        new StatefulSetBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName("orders-db")
            .endMetadata()
            .withNewSpec()
            .withReplicas(3)
            .withServiceName("orders-db")
            .withNewSelector()
            .addToMatchLabels("app", "orders-db")
            .endSelector()
            .withTemplate(template("orders-db", "postgres:16.2"))
            .withNewUpdateStrategy()
            .withType(strategy)
            .endUpdateStrategy()
            .endSpec();
    if (partition != null) {
      spec.editSpec()
          .editUpdateStrategy()
          .withNewRollingUpdate()
          .withPartition(partition)
          .endRollingUpdate()
          .endUpdateStrategy()
          .endSpec();
    }
    StatefulSet set = client.resource(spec.build()).create();
    revision(set, "orders-db-5d4f", 1, "postgres:16.1");
    revision(set, "orders-db-7c9b", 2, "postgres:16.2");
    for (int i = 0; i < 3; i++) {
      pod("orders-db-" + i, "orders-db", i == 2 ? "orders-db-7c9b" : "orders-db-5d4f", i == 2);
    }
    set.setStatus(
        new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder()
            .withReplicas(3)
            .withReadyReplicas(2)
            .withUpdatedReplicas(1)
            .withCurrentReplicas(2)
            .withCurrentRevision("orders-db-5d4f")
            .withUpdateRevision("orders-db-7c9b")
            .build());
    return client.resource(set).updateStatus();
  }

  private static void revision(
      io.fabric8.kubernetes.api.model.HasMetadata owner, String name, long number, String image) {
    client
        .resource(
            new ControllerRevisionBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName(name)
                .withCreationTimestamp(Cluster.NOW.minusSeconds(3600 * (3 - number)).toString())
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .withRevision(number)
                .withData(
                    Map.of(
                        "spec",
                        Map.of(
                            "template",
                            JSON.convertValue(
                                template(owner.getMetadata().getName(), image), Map.class))))
                .build())
        .create();
  }

  private static void pod(String name, String app, String revisionHash, boolean crashing) {
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName(name)
            .addToLabels("app", app)
            .addToLabels(PodSets.REVISION_HASH, revisionHash)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("db")
            .withImage("postgres")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .addNewContainerStatus()
            .withName("db")
            .withReady(!crashing)
            .withRestartCount(crashing ? 4 : 0)
            .endContainerStatus()
            .endStatus();
    if (crashing) {
      pod.editStatus()
          .editFirstContainerStatus()
          .withNewState()
          .withNewWaiting()
          .withReason("CrashLoopBackOff")
          .endWaiting()
          .endState()
          .endContainerStatus()
          .endStatus();
    }
    client.resource(pod.build()).create();
  }

  private static Remediation action(String name) {
    return Remediations.named(name, client, MutationsTest.OPTIONS);
  }

  private static final JsonNode ORDERS_DB =
      MutationsTest.args(
          "{\"kind\":\"StatefulSet\",\"namespace\":\"shop\",\"name\":\"orders-db\"}");

  @Test
  void aStatefulSetsStatusShowsItsRevisionsAndStrategy() {
    ordersDb("RollingUpdate", null);

    Outcome status = action("deployment.status").execute(ORDERS_DB, null);

    assertThat(status.summary())
        .isEqualTo(
            "statefulset shop/orders-db: 3 desired, 2 ready, 1 updated, 2 on the current"
                + " revision; current revision orders-db-5d4f, update revision orders-db-7c9b;"
                + " update strategy RollingUpdate; images db=postgres:16.2");
  }

  @Test
  void describeShowsAStatefulSetsUpdateStrategyAsYaml() {
    ordersDb("RollingUpdate", 2);

    Outcome yaml =
        action("object.describe")
            .execute(
                MutationsTest.args(
                    "{\"namespace\":\"shop\",\"kind\":\"StatefulSet\",\"name\":\"orders-db\"}"),
                null);

    assertThat(yaml.summary()).contains("updateStrategy:").contains("partition: 2");
  }

  @Test
  void aStatefulSetsHistoryComesFromItsControllerRevisionsWithThePodsOnEach() {
    ordersDb("RollingUpdate", null);

    Outcome history = action("deployment.history").execute(ORDERS_DB, null);

    assertThat(history.summary())
        .startsWith("statefulset shop/orders-db, 2 revisions kept; update strategy RollingUpdate:")
        .contains("revision 1: db=postgres:16.1; 2 pods; created ")
        .contains("revision 2 (current template): db=postgres:16.2; 1 pod; created ");
  }

  @Test
  void aStatefulSetRollsBackToItsPreviousControllerRevisionAndIsWatched() {
    ordersDb("RollingUpdate", null);

    Preview preview = action("deployment.rollback").preview(ORDERS_DB);

    assertThat(preview.summary())
        .isEqualTo(
            "Roll back statefulset shop/orders-db from revision 2 to revision 1"
                + " (db=postgres:16.1)");
    assertThat(((Plan) preview).changes())
        .contains(
            new Change("revision", 2L, 1L),
            new Change("image of container db", "postgres:16.2", "postgres:16.1"));
    assertThat(((Plan) preview).inverse().orElseThrow().arguments())
        .containsEntry("kind", "StatefulSet")
        .containsEntry("revision", 2L);

    Outcome outcome = action("deployment.rollback").execute(ORDERS_DB, MutationsTest.CONTEXT);

    assertThat(outcome).isInstanceOf(Applied.class);
    StatefulSet after =
        client.apps().statefulSets().inNamespace("shop").withName("orders-db").get();
    assertThat(after.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("postgres:16.1");
    assertThat(after.getMetadata().getAnnotations())
        .containsEntry(ChangeRecorder.CORRELATION_ID, "pc-0123456789ab");
    assertThat(((Applied) outcome).rollout())
        .contains(new Rollout("StatefulSet", "shop", "orders-db"));
  }

  @Test
  void aPartitionAndOnDeleteAreSaidOnTheCard() {
    ordersDb("RollingUpdate", 2);
    assertThat(action("deployment.rollback").preview(ORDERS_DB).summary())
        .endsWith(
            "Warning: its rolling update has partition 2: only pods with an ordinal of 2 or more"
                + " (1 of 3) will change");

    seed();
    ordersDb("OnDelete", null);
    assertThat(action("deployment.restart").preview(ORDERS_DB).summary())
        .contains("Warning: its update strategy is OnDelete: the template changes, but each pod")
        .contains("until it is deleted");
    assertThat(
            ((Applied) action("deployment.restart").execute(ORDERS_DB, MutationsTest.CONTEXT))
                .rollout())
        .as("nothing rolls by itself under OnDelete, so nothing is watched")
        .isEmpty();
  }

  @Test
  void aStatefulSetScalesAtItsTopOrdinalAndAnAutoscalerIsNamed() {
    ordersDb("RollingUpdate", null);
    JsonNode four =
        MutationsTest.args(
            "{\"kind\":\"StatefulSet\",\"namespace\":\"shop\",\"name\":\"orders-db\",\"replicas\":4}");

    Preview preview = action("deployment.scale").preview(four);

    assertThat(preview.summary())
        .isEqualTo("Scale statefulset shop/orders-db from 3 to 4 replicas (adds orders-db-3)");
    assertThat(((Plan) preview).inverse().orElseThrow().arguments())
        .containsEntry("kind", "StatefulSet")
        .containsEntry("replicas", 3);
    action("deployment.scale").execute(four, MutationsTest.CONTEXT);
    assertThat(
            client
                .apps()
                .statefulSets()
                .inNamespace("shop")
                .withName("orders-db")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(4);
  }

  /** log-agent on 3 nodes, {@code updated} of its pods on its template, ready and available. */
  private static DaemonSet logAgent(int updated) {
    return client
        .resource(
            new DaemonSetBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("log-agent")
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .addToMatchLabels("app", "log-agent")
                .endSelector()
                .withTemplate(template("log-agent", "fluent-bit:3.1"))
                .endSpec()
                .withNewStatus()
                .withDesiredNumberScheduled(3)
                .withCurrentNumberScheduled(3)
                .withNumberReady(updated)
                .withUpdatedNumberScheduled(updated)
                .withNumberAvailable(updated)
                .withNumberMisscheduled(0)
                .endStatus()
                .build())
        .create();
  }

  @Test
  void aDaemonSetRestartsNodeByNodeAndRollsBack() {
    DaemonSet set = logAgent(3);
    revision(set, "log-agent-6b7", 1, "fluent-bit:3.0");
    revision(set, "log-agent-8c9", 2, "fluent-bit:3.1");
    JsonNode agent =
        MutationsTest.args(
            "{\"kind\":\"DaemonSet\",\"namespace\":\"shop\",\"name\":\"log-agent\"}");

    assertThat(action("deployment.restart").preview(agent).summary())
        .isEqualTo("Restart daemonset shop/log-agent: replace its 3 pods, node by node");
    assertThat(action("deployment.rollback").preview(agent).summary())
        .isEqualTo(
            "Roll back daemonset shop/log-agent from revision 2 to revision 1"
                + " (db=fluent-bit:3.0)");
    assertThat(action("deployment.scale").preview(agent).summary())
        .as("a DaemonSet runs one pod per node: it has no replicas to scale")
        .isEqualTo(
            "Refused: deployment.scale does not apply to a DaemonSet; it takes kind Deployment or"
                + " StatefulSet");
  }

  @Test
  void aStatefulSetRolloutIsVerifiedByItsOwnRulesAndACrashLoopingUpdateFailsAtOnce() {
    ordersDb("RollingUpdate", null);
    try (RolloutWatch watch =
        RolloutWatch.create(
            client,
            Clock.systemUTC(),
            Duration.ofMillis(20),
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor())) {
      CompletableFuture<Verification> failing =
          watch.await(new Rollout("StatefulSet", "shop", "orders-db"), Duration.ofMinutes(5));
      await().atMost(Duration.ofSeconds(10)).until(failing::isDone);
      assertThat(failing.join().summary())
          .isEqualTo(
              "statefulset shop/orders-db: 2/3 ready after 0 s, rollout failing: 1 pod in"
                  + " CrashLoopBackOff (orders-db-2)");

      client.pods().inNamespace("shop").withName("orders-db-2").delete();
      pod("orders-db-2", "orders-db", "orders-db-7c9b", false);
      StatefulSet set =
          client.apps().statefulSets().inNamespace("shop").withName("orders-db").get();
      set.getStatus().setReadyReplicas(3);
      set.getStatus().setUpdatedReplicas(3);
      set.getStatus().setCurrentReplicas(3);
      set.getStatus().setCurrentRevision("orders-db-7c9b");
      client.resource(set).updateStatus();
      CompletableFuture<Verification> done =
          watch.await(new Rollout("StatefulSet", "shop", "orders-db"), Duration.ofMinutes(5));
      await().atMost(Duration.ofSeconds(10)).until(done::isDone);
      assertThat(done.join().complete()).isTrue();
      assertThat(done.join().summary())
          .matches("statefulset shop/orders-db: 3/3 ready after \\d+ s");
    }
  }

  @Test
  void aDaemonSetRolloutIsVerifiedWhenEveryNodesPodIsUpdatedAndAvailable() {
    DaemonSet set = logAgent(2);
    try (RolloutWatch watch =
        RolloutWatch.create(
            client,
            Clock.systemUTC(),
            Duration.ofMillis(20),
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor())) {
      CompletableFuture<Verification> result =
          watch.await(new Rollout("DaemonSet", "shop", "log-agent"), Duration.ofMinutes(5));
      assertThat(result).as("one node's pod is not updated yet").isNotDone();

      set.getStatus().setUpdatedNumberScheduled(3);
      set.getStatus().setNumberAvailable(3);
      set.getStatus().setNumberReady(3);
      client.resource(set).updateStatus();

      await().atMost(Duration.ofSeconds(10)).until(result::isDone);
      assertThat(result.join().complete()).isTrue();
      assertThat(result.join().summary())
          .matches("daemonset shop/log-agent: 3/3 ready after \\d+ s");
    }
  }

  @Test
  void withoutAKindEveryRunbookStillMeansADeployment() {
    cluster.checkoutAfterBadRollout("shop");
    assertThat(action("deployment.status").execute(MutationsTest.CHECKOUT, null).summary())
        .startsWith("deployment shop/checkout:");
    assertThat(action("deployment.status").parameterSchema().path("properties").path("kind"))
        .hasToString(
            "{\"type\":\"string\",\"enum\":[\"Deployment\",\"DaemonSet\",\"StatefulSet\"],"
                + "\"description\":\"Kind of workload (default Deployment)\"}");
    assertThat(Optional.of(action("deployment.scale").parameterSchema()))
        .map(s -> s.path("properties").path("kind").path("enum").toString())
        .contains("[\"Deployment\",\"StatefulSet\"]");
  }
}
