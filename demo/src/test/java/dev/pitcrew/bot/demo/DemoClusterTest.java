package dev.pitcrew.bot.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitcrew.remediations.Applied;
import dev.pitcrew.remediations.ChangeContext;
import dev.pitcrew.remediations.Outcome;
import dev.pitcrew.remediations.Plan;
import dev.pitcrew.remediations.Remediations;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo cluster behaves as the shell's README transcript claims. */
class DemoClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ChangeContext CONTEXT =
      new ChangeContext("pc-0123456789ab", "operator", "oncall-lead", "apr-demo");
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private DemoCluster demo;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    demo = DemoCluster.start(Clock.systemUTC());
    client = demo.client();
  }

  @AfterEach
  void stop() {
    demo.close();
  }

  private Deployment deployment(String name) {
    return client.apps().deployments().inNamespace("shop").withName(name).get();
  }

  private List<Pod> pods(String app) {
    return client.pods().inNamespace("shop").withLabel("app", app).list().getItems();
  }

  private Outcome run(String action, String json) throws Exception {
    // Dry run on: the demo's API server honours it, unlike the plain mock.
    var remediation = Remediations.named(action, client, Remediations.Options.defaults());
    var arguments = JSON.readTree(json);
    assertThat(remediation.preview(arguments)).isInstanceOf(Plan.class);
    return remediation.execute(arguments, CONTEXT);
  }

  @Test
  void checkoutStartsCrashLoopingAtRevision3WithItsHistory() {
    Deployment checkout = deployment("checkout");
    assertThat(checkout.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "3");
    assertThat(checkout.getStatus().getReadyReplicas()).isZero();
    assertThat(pods("checkout"))
        .hasSize(3)
        .allSatisfy(
            p ->
                assertThat(
                        p.getStatus()
                            .getContainerStatuses()
                            .get(0)
                            .getState()
                            .getWaiting()
                            .getReason())
                    .isEqualTo("CrashLoopBackOff"));
    assertThat(
            client
                .apps()
                .replicaSets()
                .inNamespace("shop")
                .withLabel("app", "checkout")
                .list()
                .getItems())
        .extracting(
            rs -> rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"))
        .containsExactlyInAnyOrder("1", "2", "3");
    assertThat(deployment("cart").getStatus().getReadyReplicas()).isEqualTo(2);
  }

  /** Regression: checkout showed 0 available with Available=True. */
  @Test
  void availabilityConditionsFollowTheReadyPodsLikeTheDeploymentController() {
    assertThat(condition(deployment("checkout"), "Available"))
        .isEqualTo("False MinimumReplicasUnavailable");
    assertThat(condition(deployment("checkout"), "Progressing"))
        .isEqualTo("True ReplicaSetUpdated");
    assertThat(condition(deployment("cart"), "Available"))
        .isEqualTo("True MinimumReplicasAvailable");
    assertThat(condition(deployment("cart"), "Progressing"))
        .isEqualTo("True NewReplicaSetAvailable");
  }

  /** Regression: pods 6 s old said restarts 4. */
  @Test
  void freshCrashingPodsHaveRestartedOnceAndRestartMoreAsTheBackOffPasses() {
    assertThat(pods("checkout"))
        .allSatisfy(
            p -> assertThat(p.getStatus().getContainerStatuses().get(0).getRestartCount()).isOne());
    assertThat(DemoController.crashRestarts(Duration.ofSeconds(6))).isEqualTo(1);
    assertThat(DemoController.crashRestarts(Duration.ofSeconds(10))).isEqualTo(2);
    assertThat(DemoController.crashRestarts(Duration.ofSeconds(70))).isEqualTo(4);
    assertThat(DemoController.crashRestarts(Duration.ofMinutes(10))).isEqualTo(6);
  }

  private static String condition(Deployment d, String type) {
    return d.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(c -> c.getStatus() + " " + c.getReason())
        .findFirst()
        .orElse("missing");
  }

  @Test
  void rollbackMakesANewRevisionAndTheReplicasConverge() throws Exception {
    Outcome outcome = run("deployment.rollback", "{\"namespace\":\"shop\",\"name\":\"checkout\"}");
    assertThat(outcome).isInstanceOf(Applied.class);

    await()
        .atMost(PATIENCE)
        .until(
            () -> {
              Deployment d = deployment("checkout");
              return d.getStatus().getReadyReplicas() == 3 && d.getStatus().getReplicas() == 3;
            });
    Deployment d = deployment("checkout");
    assertThat(d.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "4");
    assertThat(pods("checkout"))
        .hasSize(3)
        .allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).endsWith(":v2"));
    ReplicaSet v2 =
        client
            .apps()
            .replicaSets()
            .inNamespace("shop")
            .withLabel("app", "checkout")
            .list()
            .getItems()
            .stream()
            .filter(
                rs ->
                    rs.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage()
                        .endsWith(":v2"))
            .findFirst()
            .orElseThrow();
    assertThat(v2.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "4");
    assertThat(client.v1().events().inNamespace("shop").list().getItems())
        .anyMatch(
            e ->
                e.getReason().equals("ScalingReplicaSet")
                    && e.getMessage().contains(v2.getMetadata().getName()));
  }

  @Test
  void scaleAndRestartTakeEffect() throws Exception {
    run("deployment.scale", "{\"namespace\":\"shop\",\"name\":\"cart\",\"replicas\":4}");
    await().atMost(PATIENCE).until(() -> deployment("cart").getStatus().getReadyReplicas() == 4);
    assertThat(pods("cart")).hasSize(4);

    List<String> before = pods("cart").stream().map(p -> p.getMetadata().getName()).toList();
    run("deployment.restart", "{\"namespace\":\"shop\",\"name\":\"cart\"}");
    await()
        .atMost(PATIENCE)
        .until(
            () -> {
              List<Pod> now = pods("cart");
              // Regression (failed once): the controller writes the revision after the pods, so
              // the wait covers it too.
              return now.size() == 4
                  && now.stream().noneMatch(p -> before.contains(p.getMetadata().getName()))
                  && deployment("cart").getStatus().getReadyReplicas() == 4
                  && "2"
                      .equals(
                          deployment("cart")
                              .getMetadata()
                              .getAnnotations()
                              .get("deployment.kubernetes.io/revision"));
            });
  }

  @Test
  void aDeletedPodIsReplaced() throws Exception {
    String victim = pods("payments").get(0).getMetadata().getName();
    run("pod.delete", "{\"namespace\":\"shop\",\"name\":\"" + victim + "\"}");

    await()
        .atMost(PATIENCE)
        .until(
            () -> {
              List<Pod> now = pods("payments");
              return now.size() == 2
                  && now.stream().noneMatch(p -> p.getMetadata().getName().equals(victim));
            });
  }

  @Test
  void crashingPodsHaveLogsThatSayWhy() throws Exception {
    String pod = pods("checkout").get(0).getMetadata().getName();
    Outcome logs =
        Remediations.named("pod.logs", client, Remediations.Options.defaults())
            .execute(
                JSON.readTree(
                    "{\"namespace\":\"shop\",\"name\":\"" + pod + "\",\"previous\":true}"),
                ChangeContext.readOnly("pc-1", "operator"));
    assertThat(logs.summary()).contains("NumberFormatException").contains("PAYMENTS_TIMEOUT_MS");
  }

  @Test
  void dryRunChangesNothing() throws Exception {
    var scale = Remediations.named("deployment.scale", client, Remediations.Options.defaults());
    scale.preview(JSON.readTree("{\"namespace\":\"shop\",\"name\":\"cart\",\"replicas\":9}"));
    demo.reconcile();
    assertThat(deployment("cart").getSpec().getReplicas()).isEqualTo(2);
  }
}
