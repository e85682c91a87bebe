package dev.pitcrew.remediations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mock runs no Deployment controller, so the test plays it: it writes the status a controller
 * would write. Polls every 20 ms; a real watch polls every 2 s.
 */
@EnableDryRunMockClient
class RolloutWatchTest {
  static KubernetesClient client;

  private final Cluster cluster = new Cluster(client);
  private RolloutWatch watch;

  @BeforeEach
  void seed() {
    cluster.reset("shop");
    cluster.checkoutAfterBadRollout("shop");
    watch =
        RolloutWatch.create(
            client,
            Clock.systemUTC(),
            Duration.ofMillis(20),
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor());
  }

  @AfterEach
  void close() {
    watch.close();
  }

  /** What the Deployment controller writes once every replica is updated and available. */
  private void controllerReportsTheRolloutDone() {
    Deployment d = client.apps().deployments().inNamespace("shop").withName("checkout").get();
    client
        .resource(
            new DeploymentBuilder(d)
                .editStatus()
                .withReplicas(3)
                .withUpdatedReplicas(3)
                .withReadyReplicas(3)
                .withAvailableReplicas(3)
                .endStatus()
                .build())
        .updateStatus();
  }

  @Test
  void completesWhenTheControllerReportsAllReplicasUpdatedAndAvailable() {
    client.pods().inNamespace("shop").delete(); // a fresh rollout: no pod of it has crashed yet
    CompletableFuture<Verification> result =
        watch.await(new Rollout("shop", "checkout"), Duration.ofMinutes(5));
    assertThat(result).isNotDone();

    controllerReportsTheRolloutDone();

    await().atMost(Duration.ofSeconds(10)).until(result::isDone);
    Verification v = result.join();
    assertThat(v.complete()).isTrue();
    assertThat(v.summary()).matches("deployment shop/checkout: 3/3 ready after \\d+ s");
  }

  /** Regression: verification waited the whole verifyTimeout (300 s) on a crash loop. */
  @Test
  void newPodsCrashLoopingFailTheVerificationAtOnceWithTheReason() {
    CompletableFuture<Verification> result =
        watch.await(new Rollout("shop", "checkout"), Duration.ofMinutes(5));

    await().atMost(Duration.ofSeconds(10)).until(result::isDone);
    Verification v = result.join();
    assertThat(v.complete()).isFalse();
    assertThat(v.elapsed()).isLessThan(Duration.ofMinutes(1));
    assertThat(v.summary())
        .matches(
            "deployment shop/checkout: 0/3 ready after \\d+ s, rollout failing: 3 pods in"
                + " CrashLoopBackOff \\(checkout-hash3-pod0, checkout-hash3-pod1,"
                + " checkout-hash3-pod2\\)");
  }

  @Test
  void anImageThatCannotBePulledFailsAtOnce() {
    client.pods().inNamespace("shop").withName("checkout-hash3-pod1").delete();
    client.pods().inNamespace("shop").withName("checkout-hash3-pod2").delete();
    Pod pod = client.pods().inNamespace("shop").withName("checkout-hash3-pod0").get();
    pod.getStatus().getContainerStatuses().get(0).setRestartCount(0);
    pod.getStatus()
        .getContainerStatuses()
        .get(0)
        .getState()
        .getWaiting()
        .setReason("ImagePullBackOff");
    client.resource(pod).updateStatus();

    CompletableFuture<Verification> result =
        watch.await(new Rollout("shop", "checkout"), Duration.ofMinutes(5));

    await().atMost(Duration.ofSeconds(10)).until(result::isDone);
    assertThat(result.join().summary())
        .endsWith("rollout failing: 1 pod in ImagePullBackOff (checkout-hash3-pod0)");
  }

  @Test
  void aProgressDeadlineExceededFailsAtOnce() {
    client.pods().inNamespace("shop").delete();
    Deployment d = client.apps().deployments().inNamespace("shop").withName("checkout").get();
    client
        .resource(
            new DeploymentBuilder(d)
                .editStatus()
                .addNewCondition()
                .withType("Progressing")
                .withStatus("False")
                .withReason("ProgressDeadlineExceeded")
                .withMessage("ReplicaSet \"checkout-hash3\" has timed out progressing.")
                .endCondition()
                .endStatus()
                .build())
        .updateStatus();

    CompletableFuture<Verification> result =
        watch.await(new Rollout("shop", "checkout"), Duration.ofMinutes(5));

    await().atMost(Duration.ofSeconds(10)).until(result::isDone);
    assertThat(result.join().summary())
        .endsWith(
            "rollout failing: progress deadline exceeded (ReplicaSet \"checkout-hash3\" has timed"
                + " out progressing.)");
  }

  /**
   * Regression: right after a rollback, before the controller made the new ReplicaSet, the pods of
   * the revision being replaced were taken for the new ones and failed the rollout at once.
   */
  @Test
  void podsOfTheRevisionBeingReplacedDoNotFailANewRollout() {
    Deployment d = client.apps().deployments().inNamespace("shop").withName("checkout").get();
    client
        .resource(
            new DeploymentBuilder(d)
                .editSpec()
                .editTemplate()
                .editSpec()
                .editFirstContainer()
                .withImage("registry.example/checkout:v2")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .update();

    CompletableFuture<Verification> result =
        watch.await(new Rollout("shop", "checkout"), Duration.ofMillis(300));

    await().atMost(Duration.ofSeconds(10)).until(result::isDone);
    assertThat(result.join().summary()).contains("rollout not complete").doesNotContain("failing");
  }

  @Test
  void aNewPodThatIsReadyKeepsTheWatchWaiting() {
    Pod pod = client.pods().inNamespace("shop").withName("checkout-hash3-pod0").get();
    pod.getStatus().getContainerStatuses().get(0).setReady(true);
    pod.getStatus().getContainerStatuses().get(0).getState().setWaiting(null);
    client.resource(pod).updateStatus();

    CompletableFuture<Verification> result =
        watch.await(new Rollout("shop", "checkout"), Duration.ofMillis(300));

    await().atMost(Duration.ofSeconds(10)).until(result::isDone);
    assertThat(result.join().summary())
        .contains("rollout not complete; 2 pods in CrashLoopBackOff")
        .doesNotContain("failing");
  }

  @Test
  void aLateRecoveryAfterAnEarlyFailureIsReported() {
    List<Verification> recoveries = new CopyOnWriteArrayList<>();
    CompletableFuture<Verification> result =
        watch.await(new Rollout("shop", "checkout"), Duration.ofMinutes(5), recoveries::add);
    await().atMost(Duration.ofSeconds(10)).until(result::isDone);
    assertThat(result.join().complete()).isFalse();

    controllerReportsTheRolloutDone();

    await().atMost(Duration.ofSeconds(10)).until(() -> !recoveries.isEmpty());
    assertThat(recoveries).singleElement().matches(Verification::complete);
  }

  @Test
  void aDeletedDeploymentEndsTheWatch() {
    client.apps().deployments().inNamespace("shop").withName("checkout").delete();
    CompletableFuture<Verification> result =
        watch.await(new Rollout("shop", "checkout"), Duration.ofMinutes(5));

    await().atMost(Duration.ofSeconds(10)).until(result::isDone);
    assertThat(result.join().summary()).isEqualTo("deployment shop/checkout was deleted");
  }
}
