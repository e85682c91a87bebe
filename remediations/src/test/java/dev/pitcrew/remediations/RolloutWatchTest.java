package dev.pitcrew.remediations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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

  @Test
  void completesWhenTheControllerReportsAllReplicasUpdatedAndAvailable() {
    CompletableFuture<Verification> result =
        watch.await(new Rollout("shop", "checkout"), Duration.ofMinutes(5));
    assertThat(result).isNotDone();

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

    await().atMost(Duration.ofSeconds(10)).until(result::isDone);
    Verification v = result.join();
    assertThat(v.complete()).isTrue();
    assertThat(v.summary()).matches("deployment shop/checkout: 3/3 ready after \\d+ s");
  }

  @Test
  void timeoutSaysWhatIsWrongWithThePods() {
    CompletableFuture<Verification> result =
        watch.await(new Rollout("shop", "checkout"), Duration.ofMillis(200));

    await().atMost(Duration.ofSeconds(10)).until(result::isDone);
    Verification v = result.join();
    assertThat(v.complete()).isFalse();
    assertThat(v.summary())
        .matches(
            "deployment shop/checkout: 0/3 ready after \\d+ s, rollout not complete; 3 pods in"
                + " CrashLoopBackOff \\(checkout-hash3-pod0, checkout-hash3-pod1,"
                + " checkout-hash3-pod2\\)");
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
