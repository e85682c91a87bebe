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
import java.time.Clock;
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
  private static final ChangeContext CONTEXT = new ChangeContext("pc-0123456789ab", "UREQ", "UAPP");

  static KubernetesMockServer server;
  static KubernetesClient client;

  private KubernetesClient noRetries;

  @BeforeEach
  void clientWithoutRetries() {
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

    Preview preview =
        Remediations.scaleDeployment(noRetries)
            .preview(ScaleDeploymentTest.args("shop", "checkout", 5));

    assertThat(preview)
        .isEqualTo(
            new Failed(
                "Pitcrew's service account is not allowed to read deployment shop/checkout (RBAC)"));
  }

  // Fabric8's patch() reads the object first, so each scale does GET, GET, PATCH.
  @Test
  void serverErrorOnWriteIsAFailureWhenTheClusterShowsNoChange() {
    server.expect().get().withPath(PATH).andReturn(200, deployment(3, null)).times(3);
    server.expect().patch().withPath(PATH).andReturn(503, status(503, "unavailable")).once();

    Outcome outcome =
        Remediations.scaleDeployment(noRetries, Clock.systemUTC())
            .execute(ScaleDeploymentTest.args("shop", "checkout", 5), CONTEXT);

    assertThat(outcome)
        .isEqualTo(
            new Failed(
                "the API server failed (HTTP 503) while trying to scale deployment shop/checkout"));
  }

  @Test
  void writeThatLandedDespiteAnErrorIsReportedFromTheCluster() {
    server.expect().get().withPath(PATH).andReturn(200, deployment(3, null)).times(2);
    server.expect().patch().withPath(PATH).andReturn(504, status(504, "timeout")).once();
    server.expect().get().withPath(PATH).andReturn(200, deployment(5, "pc-0123456789ab")).once();

    Outcome outcome =
        Remediations.scaleDeployment(noRetries, Clock.systemUTC())
            .execute(ScaleDeploymentTest.args("shop", "checkout", 5), CONTEXT);

    assertThat(outcome).isInstanceOf(Applied.class);
    assertThat(outcome.summary()).isEqualTo("Scaled deployment shop/checkout from 3 to 5 replicas");
  }

  private static Deployment deployment(int replicas, String correlationId) {
    DeploymentBuilder builder =
        new DeploymentBuilder(Deployments.ready("shop", "checkout", replicas));
    if (correlationId != null) {
      builder
          .editMetadata()
          .addToAnnotations(ChangeRecorder.CORRELATION_ID, correlationId)
          .endMetadata();
    }
    return builder.build();
  }

  private static io.fabric8.kubernetes.api.model.Status status(int code, String reason) {
    return new StatusBuilder().withCode(code).withReason(reason).withMessage(reason).build();
  }
}
