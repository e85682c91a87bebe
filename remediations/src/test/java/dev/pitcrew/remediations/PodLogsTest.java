package dev.pitcrew.remediations;

import static dev.pitcrew.remediations.MutationsTest.args;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Logs through the mock server in expectation mode: the CRUD mode serves no logs. The scripted
 * answers stand in for the kubelet; they check the query Pitcrew sends.
 */
@EnableKubernetesMockClient(https = false)
class PodLogsTest {
  private static final String POD = "/api/v1/namespaces/shop/pods/checkout-1";

  static KubernetesMockServer server;
  static KubernetesClient client;

  @BeforeEach
  void forgetExpectations() {
    server.reset();
  }

  private static Pod pod(String... containers) {
    PodBuilder builder =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName("checkout-1")
            .endMetadata()
            .withNewSpec()
            .endSpec();
    for (String c : containers) {
      builder.editSpec().addNewContainer().withName(c).withImage("x").endContainer().endSpec();
    }
    return builder.build();
  }

  private Outcome logs(String json) {
    return Remediations.named("pod.logs", client, MutationsTest.OPTIONS)
        .execute(args(json), ChangeContext.readOnly("pc-1", "U"));
  }

  @Test
  void previousRunTailIsShown() {
    server.expect().get().withPath(POD).andReturn(200, pod("checkout")).once();
    server
        .expect()
        .get()
        .withPath(
            POD
                + "/log?pretty=false&container=checkout&previous=true&tailLines=50&limitBytes=4194304")
        .andReturn(200, "starting\njava.lang.OutOfMemoryError: Java heap space\n")
        .once();

    Outcome outcome =
        logs("{\"namespace\":\"shop\",\"name\":\"checkout-1\",\"previous\":true,\"lines\":50}");

    assertThat(outcome.summary())
        .isEqualTo(
            "log of shop/checkout-1 container checkout (previous run), last 50 lines:\n"
                + "starting\njava.lang.OutOfMemoryError: Java heap space\n");
  }

  @Test
  void credentialsInALogAreMaskedBeforeTheLogLeavesTheAction() {
    server.expect().get().withPath(POD).andReturn(200, pod("checkout")).once();
    server
        .expect()
        .get()
        .withPath(
            POD
                + "/log?pretty=false&container=checkout&previous=true&tailLines=50&limitBytes=4194304")
        .andReturn(
            200,
            "connecting to postgres://app:S3cretPass@db:5432/orders\n"
                + "retrying with DB_PASSWORD=hunter2, token_count=5\n")
        .once();

    Outcome outcome =
        logs("{\"namespace\":\"shop\",\"name\":\"checkout-1\",\"previous\":true,\"lines\":50}");

    assertThat(outcome.summary())
        .endsWith(
            "connecting to postgres://app:[masked: password]@db:5432/orders\n"
                + "retrying with DB_PASSWORD=[masked: password], token_count=5\n")
        .doesNotContain("S3cretPass")
        .doesNotContain("hunter2");
  }

  @Test
  void aPreviousRunTheServerDoesNotHaveIsRefusedWithItsReason() {
    server.expect().get().withPath(POD).andReturn(200, pod("checkout")).once();
    server
        .expect()
        .get()
        .withPath(
            POD
                + "/log?pretty=false&container=checkout&previous=true&tailLines=100&limitBytes=4194304")
        .andReturn(
            400,
            new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withCode(400)
                .withMessage("previous terminated container \"checkout\" not found")
                .build())
        .once();

    Outcome outcome = logs("{\"namespace\":\"shop\",\"name\":\"checkout-1\",\"previous\":true}");

    assertThat(outcome)
        .isEqualTo(
            new Refused(
                "the API server cannot show that log: previous terminated container"
                    + " \"checkout\" not found"));
  }

  @Test
  void longLogsKeepTheNewestBytesAndSaySo() {
    StringBuilder log = new StringBuilder();
    for (int i = 0; log.length() < 3 * PodLogs.MAX_BYTES; i++) {
      log.append("line ").append(i).append(" of a chatty service\n");
    }
    server.expect().get().withPath(POD).andReturn(200, pod("checkout")).once();
    server
        .expect()
        .get()
        .withPath(POD + "/log?pretty=false&container=checkout&tailLines=100&limitBytes=4194304")
        .andReturn(200, log.toString())
        .once();

    Outcome outcome = logs("{\"namespace\":\"shop\",\"name\":\"checkout-1\"}");

    String text = outcome.summary();
    assertThat(text).contains("[cut: the first ").contains(" bytes are not shown]");
    String body = text.substring(text.indexOf(":\n") + 2);
    assertThat(body.length()).isLessThanOrEqualTo(PodLogs.MAX_BYTES);
    assertThat(body).startsWith("line ").endsWith(log.substring(log.length() - 100));
  }

  @Test
  void podWithSeveralContainersNeedsOneNamed() {
    server.expect().get().withPath(POD).andReturn(200, pod("app", "sidecar")).always();

    assertThat(logs("{\"namespace\":\"shop\",\"name\":\"checkout-1\"}"))
        .isEqualTo(new Refused("pod shop/checkout-1 has containers app, sidecar; say which one"));
    assertThat(logs("{\"namespace\":\"shop\",\"name\":\"checkout-1\",\"container\":\"db\"}"))
        .isEqualTo(new Refused("pod shop/checkout-1 has no container db (it has app, sidecar)"));
  }
}
