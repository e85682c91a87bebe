package dev.pitcrew.remediations;

import static dev.pitcrew.remediations.MutationsTest.CHECKOUT;
import static dev.pitcrew.remediations.MutationsTest.args;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Read-only runbooks' actions on the CRUD mock, seeded with a crash-looping rollout. */
@EnableDryRunMockClient
class ReadActionsTest {
  static KubernetesClient client;

  private final Cluster cluster = new Cluster(client);

  @BeforeEach
  void seed() {
    cluster.reset("shop");
    cluster.checkoutAfterBadRollout("shop");
  }

  /**
   * The summary, with ages of objects replaced by "?": the mock sets creationTimestamp itself, as a
   * real API server does, so those ages depend on when the test runs. Event times are the test's
   * own and stay.
   */
  private String read(String action, String json) {
    Outcome outcome =
        Remediations.named(action, client, MutationsTest.OPTIONS)
            .execute(args(json), ChangeContext.readOnly("pc-1", "UREQ"));
    assertThat(outcome).isInstanceOf(Observed.class);
    return outcome.summary().replaceAll("(age|created) \\d+[smhd]( ago)?", "$1 ?");
  }

  @Test
  void deploymentStatusShowsReplicasRevisionImagesAndConditions() {
    assertThat(read("deployment.status", CHECKOUT.toString()))
        .isEqualTo(
            "deployment shop/checkout: 3 desired, 0 ready, 3 updated, 0 available; revision 3;"
                + " images checkout=registry.example/checkout:v3; conditions Available=True"
                + " (MinimumReplicasAvailable)");
  }

  @Test
  void describeShowsAnObjectAsYamlWithoutManagedFields() {
    String yaml =
        read(
            "object.describe",
            "{\"namespace\":\"shop\",\"kind\":\"Deployment\",\"name\":\"checkout\"}");

    assertThat(yaml)
        .startsWith("deployment shop/checkout:\n")
        .contains("kind: \"Deployment\"")
        .contains("image: \"registry.example/checkout:v3\"")
        .doesNotContain("managedFields");
  }

  @Test
  void describeMasksSecretLookingEnvValuesAndKeepsTheRest() {
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("checkout")
        .edit(
            d -> {
              var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
              container.setEnv(
                  java.util.List.of(
                      new io.fabric8.kubernetes.api.model.EnvVar("DB_PASSWORD", "hunter2", null),
                      new io.fabric8.kubernetes.api.model.EnvVar("LOG_LEVEL", "debug", null),
                      new io.fabric8.kubernetes.api.model.EnvVar(
                          "PAYMENTS_TIMEOUT_MS", "30s", null)));
              return d;
            });

    String yaml =
        read(
            "object.describe",
            "{\"namespace\":\"shop\",\"kind\":\"Deployment\",\"name\":\"checkout\"}");

    assertThat(yaml)
        .contains("name: \"DB_PASSWORD\"\n          value: \"[masked: password]\"")
        .contains("name: \"LOG_LEVEL\"\n          value: \"debug\"")
        .contains("name: \"PAYMENTS_TIMEOUT_MS\"\n          value: \"30s\"")
        .doesNotContain("hunter2");
  }

  @Test
  void describeOfAMissingObjectIsRefused() {
    assertThat(
            Remediations.named("object.describe", client, MutationsTest.OPTIONS)
                .execute(
                    args("{\"namespace\":\"shop\",\"kind\":\"Pod\",\"name\":\"nope\"}"),
                    ChangeContext.readOnly("pc-1", "UREQ")))
        .isEqualTo(new Refused("pod shop/nope was not found"));
  }

  @Test
  void missingDeploymentIsRefusedNotThrown() {
    Outcome outcome =
        Remediations.named("deployment.status", client, MutationsTest.OPTIONS)
            .execute(
                args("{\"namespace\":\"shop\",\"name\":\"nope\"}"),
                ChangeContext.readOnly("pc-1", "U"));
    assertThat(outcome).isEqualTo(new Refused("deployment shop/nope was not found"));
  }

  @Test
  void listPodsOfADeploymentSaysWhyTheyAreUnhealthy() {
    String pods = read("pods.list", "{\"namespace\":\"shop\",\"deployment\":\"checkout\"}");

    assertThat(pods)
        .startsWith("3 pods for deployment shop/checkout, 3 not ready or restarting:")
        .contains(
            "checkout-hash3-pod0  Running  ready 0/1  restarts 5  waiting: CrashLoopBackOff  last"
                + " exit: OOMKilled (exit 137)  node node-1  age ?");
  }

  @Test
  void listPodsBySelectorAndByNamespace() {
    cluster.orphanPod("shop", "debug-shell");

    assertThat(read("pods.list", "{\"namespace\":\"shop\",\"selector\":\"app=checkout\"}"))
        .startsWith("3 pods for selector app=checkout in shop")
        .doesNotContain("debug-shell");
    assertThat(read("pods.list", "{\"namespace\":\"shop\"}"))
        .startsWith("4 pods for namespace shop");
    assertThat(read("pods.list", "{\"namespace\":\"empty\"}"))
        .isEqualTo("no pods for namespace empty");
  }

  @Test
  void eventsAreWarningsFirstThenNewestFirst() {
    String events = read("events.list", "{\"namespace\":\"shop\"}");

    assertThat(events.lines().skip(1).toList())
        .containsExactly(
            "Warning BackOff Pod/checkout-hash3-pod0 x12 (60s ago): Back-off restarting failed"
                + " container checkout",
            "Warning BackOff Pod/checkout-hash3-pod1 x7 (2m ago): Back-off restarting failed"
                + " container checkout",
            "Normal ScalingReplicaSet Deployment/checkout (20m ago): Scaled up replica set"
                + " checkout-hash3 to 3");
  }

  @Test
  void eventsOfOneObjectAreBounded() {
    assertThat(
            read(
                "events.list",
                "{\"namespace\":\"shop\",\"kind\":\"Pod\",\"name\":\"checkout-hash3-pod1\"}"))
        .startsWith("1 events for Pod shop/checkout-hash3-pod1")
        .doesNotContain("pod0");
    assertThat(read("events.list", "{\"namespace\":\"shop\",\"limit\":1}"))
        .contains("… and 2 more not shown");
  }

  @Test
  void rolloutHistoryListsOwnedRevisions() {
    assertThat(read("deployment.history", CHECKOUT.toString()))
        .isEqualTo(
            "deployment shop/checkout, 3 revisions kept:\n"
                + "revision 1: checkout=registry.example/checkout:v1; 0 pods; created ?;"
                + " change-cause: deploy v1\n"
                + "revision 2: checkout=registry.example/checkout:v2; 0 pods; created ?;"
                + " change-cause: deploy v2\n"
                + "revision 3 (current): checkout=registry.example/checkout:v3; 3 pods; created ?;"
                + " change-cause: deploy v3");
  }

  @Test
  void nodesShowReadinessPressureAndCordons() {
    cluster.node("node-1", true, false, null);
    cluster.node("node-2", false, true, "MemoryPressure");

    assertThat(read("nodes.list", "{}"))
        .isEqualTo(
            "2 nodes, 1 not ready:\n"
                + "node-1  Ready  kubelet v1.31.2  age ?\n"
                + "node-2  NotReady  cordoned (SchedulingDisabled)  pressure: MemoryPressure"
                + "  kubelet v1.31.2  age ?");
  }
}
