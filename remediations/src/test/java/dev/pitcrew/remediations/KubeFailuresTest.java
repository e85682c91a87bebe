package dev.pitcrew.remediations;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class KubeFailuresTest {

  private static String reason(int code, String message) {
    var e =
        new KubernetesClientException(
            new StatusBuilder().withCode(code).withMessage(message).build());
    return KubeFailures.describe(e, "scale", "deployment shop/checkout").reason();
  }

  @Test
  void eachApiFailureReadsAsASentence() {
    assertThat(reason(401, "Unauthorized")).contains("rejected Pitcrew's credentials");
    assertThat(reason(403, "forbidden"))
        .isEqualTo("the API server refused to scale deployment shop/checkout: forbidden");
    assertThat(reason(404, "not found")).isEqualTo("deployment shop/checkout was not found");
    assertThat(reason(409, "conflict")).contains("changed while Pitcrew tried to scale");
    assertThat(reason(422, "spec.replicas: Invalid value"))
        .contains("spec.replicas: Invalid value");
    assertThat(reason(429, "too many")).contains("throttling");
    assertThat(reason(500, "boom"))
        .isEqualTo(
            "the API server failed (HTTP 500) while trying to scale deployment shop/checkout");
    assertThat(reason(503, "unavailable")).contains("HTTP 503");
  }

  @Test
  void aRefusalNamesWhoMayNotDoWhatWhereAsTheApiServerSaysIt() {
    assertThat(
            reason(
                403,
                "deployments.apps \"checkout\" is forbidden: User \"alice@example.com\" cannot"
                    + " patch resource \"deployments\" in API group \"apps\" in the namespace"
                    + " \"payments\""))
        .isEqualTo("alice@example.com may not patch deployments in payments (Kubernetes RBAC)");
    // The impersonation itself refused: Pitcrew's account lacks the impersonate grant.
    assertThat(
            reason(
                403,
                "users \"bob@example.com\" is forbidden: User"
                    + " \"system:serviceaccount:pitcrew:pitcrew\" cannot impersonate resource"
                    + " \"users\" in API group \"\" at the cluster scope"))
        .isEqualTo(
            "system:serviceaccount:pitcrew:pitcrew may not impersonate users (Kubernetes RBAC)");
  }

  @Test
  void aTimeoutSaysTheServerCouldNotBeReached() {
    var e = new KubernetesClientException("request failed", new SocketTimeoutException("timeout"));
    assertThat(KubeFailures.describe(e, "read", "deployment shop/checkout").reason())
        .isEqualTo("could not reach the API server to read deployment shop/checkout: timeout");
  }
}
