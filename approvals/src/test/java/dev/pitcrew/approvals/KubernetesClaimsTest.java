package dev.pitcrew.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Claims against Fabric8's CRUD mock server, which refuses a second create of a name with 409 as an
 * API server does; it enforces no RBAC and never loses an answer, so the re-sent create that the
 * token guards against is not exercised here.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesClaimsTest extends ClaimsContract {
  static KubernetesClient client;

  @BeforeEach
  void clean() {
    client.configMaps().inNamespace("pitcrew").delete();
  }

  @Override
  Claims claims() {
    return Claims.kubernetes(client, "pitcrew", clock);
  }

  @Override
  Claims asSeenByAnotherReplica(Claims claims) {
    return claims(); // another client object over the same ConfigMaps, as another pod has
  }

  @Test
  void aClaimIsALabelledConfigMapNamedByTheKeysHash() {
    claims().claim("slack-event:Ev1", Duration.ofHours(1));

    ConfigMap cm =
        client
            .configMaps()
            .inNamespace("pitcrew")
            .withName(KubernetesClaims.name("slack-event:Ev1"))
            .get();
    assertThat(cm.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "pitcrew")
        .containsEntry("app.kubernetes.io/component", "claim");
    assertThat(cm.getMetadata().getAnnotations())
        .containsEntry("pitcrew.dev/claim-key", "slack-event:Ev1")
        .containsEntry("pitcrew.dev/claim-expires", "2026-12-04T11:00:00Z");
  }
}
