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
  void anUnknownIncidentIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> Incident.named("oom"))
        .hasMessageStartingWith("no incident named 'oom'; known: bad-config-rollout,");
  }
}
