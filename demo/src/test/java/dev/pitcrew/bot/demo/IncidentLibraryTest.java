package dev.pitcrew.bot.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitcrew.remediations.ChangeContext;
import dev.pitcrew.remediations.Remediations;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * Each incident shows, through Pitcrew's own read-only actions, the evidence its expectation asks
 * the agent to find: what a real cluster in that state would show.
 */
class IncidentLibraryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String read(DemoCluster demo, String action, String json) throws Exception {
    return Remediations.named(action, demo.client(), Remediations.Options.defaults())
        .execute(JSON.readTree(json), ChangeContext.readOnly("pc-1", "operator"))
        .summary();
  }

  private static DemoCluster start(String incident) {
    return DemoCluster.start(Clock.systemUTC(), Incident.named(incident));
  }

  @Test
  void anImageTheRegistryLacksLeavesPodsInImagePullBackOffWithPullErrors() throws Exception {
    try (DemoCluster demo = start("image-pull-backoff")) {
      demo.reconcile();
      assertThat(read(demo, "pods.list", "{\"namespace\":\"shop\",\"deployment\":\"checkout\"}"))
          .contains("ImagePullBackOff");
      assertThat(read(demo, "events.list", "{\"namespace\":\"shop\"}"))
          .contains("Failed to pull image \"registry.example/checkout:v3.0.1\"")
          .contains("not found");
    }
  }

  @Test
  void aDeploymentScaledToZeroSaysSoInItsStatusAndEvents() throws Exception {
    try (DemoCluster demo = start("scaled-to-zero")) {
      assertThat(read(demo, "deployment.status", "{\"namespace\":\"shop\",\"name\":\"cart\"}"))
          .contains("0 desired");
      assertThat(read(demo, "events.list", "{\"namespace\":\"shop\"}"))
          .containsPattern("Scaled down replica set cart-\\S+ to 0 from 2");
    }
  }

  @Test
  void aPausedDeploymentKeepsItsOldImageAndSaysItIsPaused() throws Exception {
    try (DemoCluster demo = start("paused-rollout")) {
      String status =
          read(demo, "deployment.status", "{\"namespace\":\"shop\",\"name\":\"payments\"}");
      assertThat(status)
          .contains("rollout PAUSED")
          .contains("0 updated")
          .contains("DeploymentPaused");
      assertThat(
              demo.client()
                  .pods()
                  .inNamespace("shop")
                  .withLabel("app", "payments")
                  .list()
                  .getItems())
          .allSatisfy(
              p ->
                  assertThat(p.getSpec().getContainers().get(0).getImage())
                      .isEqualTo("registry.example/payments:v12"));
    }
  }

  @Test
  void aCrashBehindADatabaseShowsInTheLogAndBothRevisionsRunTheSameImage() throws Exception {
    try (DemoCluster demo = start("crash-rollback-wont-fix")) {
      String history =
          read(demo, "deployment.history", "{\"namespace\":\"shop\",\"name\":\"checkout\"}");
      assertThat(history).contains("raise the DB pool to 20");
      assertThat(history.split("registry.example/checkout:v5", -1)).hasSizeGreaterThan(2);
      String pod =
          demo.client()
              .pods()
              .inNamespace("shop")
              .withLabel("app", "checkout")
              .list()
              .getItems()
              .get(0)
              .getMetadata()
              .getName();
      assertThat(
              read(
                  demo,
                  "pod.logs",
                  "{\"namespace\":\"shop\",\"name\":\"" + pod + "\",\"previous\":true}"))
          .contains("orders-db.shop:5432 refused");
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "oom-killed|cart|OOMKilled (exit 137)",
        "config-key-missing|checkout|CreateContainerConfigError",
        "pending-cpu|payments|Pending",
        "readiness-failing|checkout|ready 0/1",
        "liveness-slow-start|cart|CrashLoopBackOff",
      })
  void eachBadReleaseShowsItsFaultInThePodsAndItsEvents(
      String incident, String deployment, String inPods) throws Exception {
    try (DemoCluster demo = start(incident)) {
      demo.reconcile();
      assertThat(
              read(
                  demo,
                  "pods.list",
                  "{\"namespace\":\"shop\",\"deployment\":\"" + deployment + "\"}"))
          .contains(inPods);
      String events = read(demo, "events.list", "{\"namespace\":\"shop\"}");
      switch (incident) {
        case "config-key-missing" ->
            assertThat(events).contains("couldn't find key PAYMENTS_URL in ConfigMap");
        case "pending-cpu" -> assertThat(events).contains("3 Insufficient cpu");
        case "readiness-failing" ->
            assertThat(events)
                .contains("Readiness probe failed: HTTP probe failed with statuscode: 404");
        case "liveness-slow-start" ->
            assertThat(events).contains("Liveness probe failed").contains("will be restarted");
        default -> assertThat(events).contains("Back-off restarting failed container");
      }
    }
  }

  @Test
  void aRolloutStuckPastItsDeadlineSaysSoAndKeepsSaying() throws Exception {
    try (DemoCluster demo = start("progress-deadline")) {
      demo.reconcile();
      demo.reconcile();
      assertThat(read(demo, "deployment.status", "{\"namespace\":\"shop\",\"name\":\"payments\"}"))
          .contains("Progressing=False (ProgressDeadlineExceeded)");
    }
  }

  @Test
  void aNodeThatStoppedReportingIsNotReadyAndItsPodsRunElsewhere() throws Exception {
    try (DemoCluster demo = start("node-not-ready")) {
      demo.reconcile();
      assertThat(read(demo, "nodes.list", "{}"))
          .containsPattern("node-2\\s+\\S*.*(NotReady|Unknown)");
      assertThat(read(demo, "events.list", "{\"namespace\":\"shop\"}"))
          .contains("Marking for deletion Pod shop/");
      assertThat(demo.client().pods().inNamespace("shop").list().getItems())
          .isNotEmpty()
          .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isNotEqualTo("node-2"));
    }
  }

  @Test
  void aStatefulSetStuckOnABadRevisionShowsItsRevisionsAndTheCrashingPod() throws Exception {
    try (DemoCluster demo = start("statefulset-bad-revision")) {
      String orders = "{\"kind\":\"StatefulSet\",\"namespace\":\"shop\",\"name\":\"orders-db\"}";
      assertThat(read(demo, "deployment.status", orders))
          .contains("statefulset shop/orders-db: 3 desired, 2 ready, 1 updated")
          .contains("images orders-db=registry.example/orders-db:v2");
      assertThat(read(demo, "deployment.history", orders))
          .contains("revision 1: orders-db=registry.example/orders-db:v1; 2 pods")
          .contains(
              "revision 2 (current template): orders-db=registry.example/orders-db:v2; 1 pod");
      assertThat(
              read(
                  demo,
                  "pod.logs",
                  "{\"namespace\":\"shop\",\"name\":\"orders-db-2\",\"previous\":true}"))
          .contains("database files are incompatible with server");
    }
  }

  @Test
  void aStatefulSetUnderOnDeleteKeepsItsOldPodsAfterAnUpdate() throws Exception {
    try (DemoCluster demo = start("statefulset-on-delete")) {
      String status =
          read(
              demo,
              "deployment.status",
              "{\"kind\":\"StatefulSet\",\"namespace\":\"shop\",\"name\":\"orders-db\"}");
      assertThat(status).contains("3 ready, 0 updated").contains("update strategy OnDelete");
    }
  }

  @Test
  void aDaemonSetCrashesOnlyOnTheNodeWithTheOldKernel() throws Exception {
    try (DemoCluster demo = start("daemonset-some-nodes")) {
      demo.reconcile();
      String pods =
          read(demo, "pods.list", "{\"namespace\":\"shop\",\"selector\":\"app=log-agent\"}");
      assertThat(pods).containsPattern("log-agent-node-3\\s.*CrashLoopBackOff");
      assertThat(pods).doesNotContainPattern("log-agent-node-1\\s.*CrashLoopBackOff");
      assertThat(
              read(
                  demo,
                  "pod.logs",
                  "{\"namespace\":\"shop\",\"name\":\"log-agent-node-3\",\"previous\":true}"))
          .contains("kernel 4.19.0 has no BTF");
    }
  }

  @Test
  void anAutoscalerAtItsMaximumIsNamedInTheDeploymentsStatus() throws Exception {
    try (DemoCluster demo = start("autoscaler-at-maximum")) {
      assertThat(read(demo, "deployment.status", "{\"namespace\":\"shop\",\"name\":\"checkout\"}"))
          .contains(
              "replicas set by HorizontalPodAutoscaler shop/checkout (min 2, max 3, current 3;"
                  + " targets cpu 60%; now cpu 95%; ScalingLimited (TooManyReplicas))");
    }
  }

  @Test
  void aNodeUnderMemoryPressureEvictsItsPodsAndGetsNoNewOnes() throws Exception {
    try (DemoCluster demo = start("node-memory-pressure")) {
      demo.reconcile();
      assertThat(read(demo, "nodes.list", "{}")).containsPattern("node-2.*MemoryPressure");
      assertThat(read(demo, "events.list", "{\"namespace\":\"shop\"}"))
          .contains("The node was low on resource: memory");
      assertThat(demo.client().pods().inNamespace("shop").list().getItems())
          .filteredOn(p -> p.getMetadata().getName().startsWith("checkout"))
          .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isNotEqualTo("node-2"));
    }
  }

  @Test
  void theDemoShowsAnAutoscalerAndAStatefulSetInEveryIncident() throws Exception {
    try (DemoCluster demo = start(Incident.DEFAULT)) {
      assertThat(read(demo, "deployment.status", "{\"namespace\":\"shop\",\"name\":\"payments\"}"))
          .contains("replicas set by HorizontalPodAutoscaler shop/payments (min 2, max 8");
      assertThat(
              read(
                  demo,
                  "deployment.status",
                  "{\"kind\":\"StatefulSet\",\"namespace\":\"shop\",\"name\":\"orders-db\"}"))
          .contains("3 desired, 3 ready, 3 updated");
    }
  }

  /**
   * A library where a rollback is right most of the time measures a reflex: in at least half the
   * incidents proposing one fails the run, and each names symptoms it does not have, so an answer
   * listing every symptom fails its facts.
   */
  @Test
  void theLibraryIsBalancedAgainstTheRollbackReflexAndAgainstNamingEverySymptom() {
    long rollbackWrong =
        Incident.all().stream()
            .filter(i -> i.expect().mustNotPropose().contains("rollback_deployment"))
            .count();
    assertThat(rollbackWrong * 2).isGreaterThanOrEqualTo(Incident.all().size());
    assertThat(Incident.all())
        .allSatisfy(
            i -> {
              assertThat(i.expect().mustNotClaim()).as(i.name()).isNotEmpty();
              assertThat(i.expect().mustNotClaim())
                  .as("%s must not forbid its own symptoms", i.name())
                  .noneMatch(p -> p.matcher(i.summary()).find());
            });
    assertThat(Incident.all()).hasSizeGreaterThanOrEqualTo(20);
  }

  @Test
  void anUnknownIncidentIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> Incident.named("oom"))
        .hasMessageStartingWith("no incident named 'oom'; known: bad-config-rollout,");
  }
}
