package dev.pitcrew.remediations;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API errors become clear outcomes. Uses the mock server in expectation mode to script failures a
 * real API server produces (RBAC denials, 5xx); the mock itself enforces no RBAC.
 */
@EnableKubernetesMockClient(https = false)
class KubernetesFailuresTest {
  private static final String PATH = "/apis/apps/v1/namespaces/shop/deployments/checkout";
  private static final ChangeContext CONTEXT =
      new ChangeContext("pc-0123456789ab", "UREQ", "UAPP", "apr-1");

  static KubernetesMockServer server;
  static KubernetesClient client;

  private KubernetesClient noRetries;

  @BeforeEach
  void clientWithoutRetries() {
    server.reset(); // expectations live as long as the class's server
    // Fabric8 retries 5xx with backoff by default; the tests script single answers.
    noRetries =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
  }

  @AfterEach
  void close() {
    noRetries.close();
  }

  @Test
  void forbiddenReadSaysRbac() {
    server.expect().get().withPath(PATH).andReturn(403, status(403, "forbidden")).once();

    Preview preview = scale(noRetries).preview(SCALE);

    assertThat(preview)
        .isEqualTo(
            new Failed("the API server refused to read deployment shop/checkout: forbidden"));
  }

  // Fabric8's patch() reads the object first, so each scale does GET, GET, PATCH (then a
  // read-back).
  @Test
  void aWriteWhoseAnswerWasLostIsUnknownWithTheObjectsStateNeverFailed() {
    server.expect().get().withPath(PATH).andReturn(200, deployment(3, null)).times(3);
    server.expect().patch().withPath(PATH).andReturn(504, status(504, "timeout")).once();

    Outcome outcome = scale(noRetries).execute(SCALE, CONTEXT);

    assertThat(outcome)
        .isEqualTo(
            new OutcomeUnknown(
                "the API server failed (HTTP 504) while trying to change deployment shop/checkout",
                "deployment shop/checkout: spec.replicas 3, 3 ready, revision 4, paused false,"
                    + " images {checkout=registry.example/checkout:v4}"));
    assertThat(outcome.summary()).contains("may or may not have been applied");
  }

  @Test
  void aWriteTheServerRefusedIsAFailure() {
    server.expect().get().withPath(PATH).andReturn(200, deployment(3, null)).times(2);
    server.expect().patch().withPath(PATH).andReturn(403, status(403, "forbidden")).once();

    Outcome outcome = scale(noRetries).execute(SCALE, CONTEXT);

    assertThat(outcome)
        .isEqualTo(
            new Failed("the API server refused to change deployment shop/checkout: forbidden"));
  }

  @Test
  void writeThatLandedDespiteAnErrorIsReportedFromTheCluster() {
    server.expect().get().withPath(PATH).andReturn(200, deployment(3, null)).times(2);
    server.expect().patch().withPath(PATH).andReturn(504, status(504, "timeout")).once();
    server.expect().get().withPath(PATH).andReturn(200, deployment(5, "apr-1")).once();

    Outcome outcome = scale(noRetries).execute(SCALE, CONTEXT);

    assertThat(outcome).isInstanceOf(Applied.class);
    assertThat(outcome.summary()).isEqualTo("Scaled deployment shop/checkout from 3 to 5 replicas");
  }

  @Test
  void aWriteIsLockedToTheVersionItWasPlannedFromAndAConflictWritesNothing() throws Exception {
    server.expect().get().withPath(PATH).andReturn(200, versioned(deployment(3, null))).times(3);
    server.expect().patch().withPath(PATH).andReturn(409, status(409, "Conflict")).once();

    Outcome outcome = scale(noRetries).execute(SCALE, CONTEXT);

    assertThat(outcome)
        .isEqualTo(
            new Failed(
                "deployment shop/checkout changed between Pitcrew reading it and writing; nothing"
                    + " was written. Ask again for a fresh proposal"));
    boolean lockedPatch = false;
    var request = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS);
    for (;
        request != null;
        request = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      if (request.getMethod().equals("PATCH")) { // the last one taken is this test's
        lockedPatch = request.getBody().readUtf8().contains("\"resourceVersion\":\"41\"");
      }
    }
    assertThat(lockedPatch).as("the PATCH carried the version read").isTrue();
  }

  @Test
  void aReSentWriteThatMeetsItsOwnLockIsReportedAsDone() {
    server.expect().get().withPath(PATH).andReturn(200, versioned(deployment(3, null))).times(2);
    server.expect().patch().withPath(PATH).andReturn(409, status(409, "Conflict")).once();
    server.expect().get().withPath(PATH).andReturn(200, deployment(5, "apr-1")).always();

    Outcome outcome = scale(noRetries).execute(SCALE, CONTEXT);

    assertThat(outcome).isInstanceOf(Applied.class);
  }

  private static Deployment versioned(Deployment d) {
    d.getMetadata().setResourceVersion("41");
    return d;
  }

  private static final com.fasterxml.jackson.databind.JsonNode SCALE =
      MutationsTest.args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}");

  private static Remediation scale(KubernetesClient client) {
    return Remediations.named("deployment.scale", client, MutationsTest.OPTIONS);
  }

  @Test
  void dryRunAsksTheServerAndItsRefusalStopsTheProposal() throws Exception {
    server.expect().get().withPath(PATH).andReturn(200, deployment(3, null)).times(2);
    server
        .expect()
        .patch()
        .withPath(PATH + "?dryRun=All")
        .andReturn(403, status(403, "admission webhook denied the request: replicas above quota"))
        .once();

    Preview preview =
        Remediations.named("deployment.scale", noRetries, Remediations.Options.defaults())
            .preview(SCALE);

    assertThat(preview)
        .isEqualTo(
            new Refused(
                "a server-side dry run says this would fail: the API server refused to change"
                    + " deployment shop/checkout: admission webhook denied the request: replicas"
                    + " above quota"));
  }

  @Test
  void dryRunThatPassesYieldsThePlan() {
    server.expect().get().withPath(PATH).andReturn(200, deployment(3, null)).times(2);
    server
        .expect()
        .patch()
        .withPath(PATH + "?dryRun=All")
        .andReturn(200, deployment(5, null))
        .once();

    Preview preview =
        Remediations.named("deployment.scale", noRetries, Remediations.Options.defaults())
            .preview(SCALE);

    assertThat(preview).isInstanceOf(Plan.class);
  }

  /** The checkout Deployment, carrying the ID of the change that last wrote it, if any. */
  private static Deployment deployment(int replicas, String changeId) {
    DeploymentBuilder builder =
        new DeploymentBuilder(Deployments.ready("shop", "checkout", replicas));
    if (changeId != null) {
      builder.editMetadata().addToAnnotations(ChangeRecorder.CHANGE_ID, changeId).endMetadata();
    }
    return builder.build();
  }

  private static io.fabric8.kubernetes.api.model.Status status(int code, String reason) {
    return new StatusBuilder().withCode(code).withReason(reason).withMessage(reason).build();
  }
}
