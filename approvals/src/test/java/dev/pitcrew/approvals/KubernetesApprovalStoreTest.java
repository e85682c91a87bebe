package dev.pitcrew.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The durable store against Fabric8's CRUD mock server, which keeps ConfigMaps and checks
 * resourceVersion on update like an API server; it enforces no RBAC.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesApprovalStoreTest extends ApprovalStoreContract {
  static KubernetesClient client;

  @BeforeEach
  void clean() {
    client.configMaps().inNamespace("pitcrew").delete();
  }

  @Override
  ApprovalStore store() {
    return ApprovalStore.kubernetes(client, "pitcrew", clock);
  }

  @Override
  ApprovalStore asSeenByAnotherReplica(ApprovalStore store) {
    return store(); // another client object over the same ConfigMaps, as another pod has
  }

  @Test
  void eachRequestIsOneLabelledConfigMapInTheBotsNamespace() {
    store().create(request("apr-1"));

    ConfigMap cm = client.configMaps().inNamespace("pitcrew").withName("apr-1").get();
    assertThat(cm.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "pitcrew")
        .containsEntry("pitcrew.dev/approval-state", "PENDING");
    assertThat(cm.getMetadata().getAnnotations())
        .containsEntry("pitcrew.dev/correlation-id", "pc-1");
    assertThat(cm.getData().get("request.json")).contains("\"runbook\":\"scale_deployment\"");
  }

  @Test
  void aSecondStoreOverTheSameNamespaceSeesEverything() {
    // Two bot replicas, or one bot before and after a restart.
    ApprovalStore first = store();
    ApprovalStore second = store();
    first.create(request("apr-1"));
    ApprovalRequest v1 = second.find("apr-1").orElseThrow();

    assertThat(second.compareAndSet(v1, v1.withState(ApprovalState.APPROVED, "U1"))).isPresent();
    assertThat(first.compareAndSet(v1, v1.withState(ApprovalState.DENIED, "U2"))).isEmpty();
    assertThat(first.find("apr-1").orElseThrow().state()).isEqualTo(ApprovalState.APPROVED);
  }
}
