package dev.pitcrew.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
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

  private static final StoreSeal SEAL = StoreSeal.of("test-store-key-of-at-least-32-bytes!!");

  private final List<String> rejected = new CopyOnWriteArrayList<>();

  /** Signed, as the chart runs it: the contract holds with signatures on every write. */
  @Override
  ApprovalStore store() {
    return ApprovalStore.kubernetes(client, "pitcrew", clock, Optional.of(SEAL), rejected::add);
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
  void aRequestRewrittenWithoutTheKeyIsNeverShownOrApprovedAndIsReported() {
    ApprovalStore store = store();
    store.create(request("apr-1"));
    ConfigMap cm = client.configMaps().inNamespace("pitcrew").withName("apr-1").get();
    assertThat(cm.getMetadata().getAnnotations()).containsKey("pitcrew.dev/signature");
    // Someone who may write ConfigMaps makes themselves the requester's approver... of their own.
    cm.getData()
        .put("request.json", cm.getData().get("request.json").replace("\"UREQ\"", "\"UEVIL\""));
    client.resource(cm).update();

    assertThat(store.find("apr-1")).isEmpty();
    assertThat(store.inState(ApprovalState.PENDING)).isEmpty();
    Approvals approvals = new Approvals(store, ApprovalPolicy.of(Set.of("UAPP")), clock);
    assertThat(approvals.approve("apr-1", "UAPP")).isNotInstanceOf(Decision.Approved.class);
    assertThat(rejected)
        .isNotEmpty()
        .allSatisfy(
            r ->
                assertThat(r)
                    .isEqualTo(
                        "ConfigMap pitcrew/apr-1 has a signature that does not verify: written by"
                            + " someone without Pitcrew's store key; never shown or run"));
  }

  @Test
  void anUnsignedRequestIsRejectedWhenTheStoreHasAKey() {
    ApprovalStore.kubernetes(client, "pitcrew", clock).create(request("apr-unsigned"));

    assertThat(store().find("apr-unsigned")).isEmpty();
    assertThat(rejected)
        .anyMatch(
            r ->
                r.endsWith(
                    "apr-unsigned is not signed: written by someone"
                        + " without Pitcrew's store key; never shown or run"));
  }

  @Test
  void aMalformedConfigMapWithTheStoresLabelIsSkippedAndReportedNotFatal() {
    ApprovalStore store = store();
    store.create(request("apr-good"));
    client
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName("apr-broken")
                .withNamespace("pitcrew")
                .addToLabels("app.kubernetes.io/component", "approval-request")
                .addToLabels("pitcrew.dev/approval-state", "PENDING")
                .endMetadata()
                .withData(java.util.Map.of("other", "x"))
                .build())
        .create();

    assertThat(store.inState(ApprovalState.PENDING))
        .extracting(ApprovalRequest::id)
        .containsExactly("apr-good");
    assertThat(rejected)
        .containsExactly("ConfigMap pitcrew/apr-broken has no request.json; skipped");
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
