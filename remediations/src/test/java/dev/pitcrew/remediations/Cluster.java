package dev.pitcrew.remediations;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;

/**
 * Seeds Fabric8's CRUD mock server with what a real cluster would hold after a bad rollout: a
 * Deployment at revision 3 whose pods crash, the ReplicaSets of revisions 1 to 3 owned by it (by
 * UID, with pod-template-hash labels), pods and events. The mock runs no controllers: nothing
 * converges unless a test changes status itself.
 */
public final class Cluster {
  public static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

  private final KubernetesClient client;

  public Cluster(KubernetesClient client) {
    this.client = client;
  }

  public void reset(String namespace) {
    client.apps().deployments().inNamespace(namespace).delete();
    client.apps().replicaSets().inNamespace(namespace).delete();
    client.pods().inNamespace(namespace).delete();
    client.v1().events().inNamespace(namespace).delete();
    client.nodes().delete();
  }

  /** checkout at revision 3 (image v3, crashing), with revisions 1 (v1) and 2 (v2) kept. */
  public Deployment checkoutAfterBadRollout(String namespace) {
    Deployment d =
        client
            .resource(
                new DeploymentBuilder(Deployments.ready(namespace, "checkout", 3))
                    .editMetadata()
                    .withUid(null)
                    .addToAnnotations(ReplicaSets.REVISION, "3")
                    .endMetadata()
                    .editSpec()
                    .editTemplate()
                    .editSpec()
                    .editFirstContainer()
                    .withImage("registry.example/checkout:v3")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .editStatus()
                    .withReadyReplicas(0)
                    .withAvailableReplicas(0)
                    .endStatus()
                    .build())
            .create();
    for (int revision = 1; revision <= 3; revision++) {
      replicaSet(d, revision, "registry.example/checkout:v" + revision, revision == 3 ? 3 : 0);
    }
    for (int i = 0; i < 3; i++) {
      crashingPod(namespace, "checkout-hash3-pod" + i, "checkout-hash3", "node-" + (i % 2 + 1));
    }
    event(
        namespace,
        "Pod",
        "checkout-hash3-pod0",
        "Warning",
        "BackOff",
        "Back-off restarting failed container checkout",
        "2026-11-21T09:59:00Z",
        12);
    event(
        namespace,
        "Deployment",
        "checkout",
        "Normal",
        "ScalingReplicaSet",
        "Scaled up replica set checkout-hash3 to 3",
        "2026-11-21T09:40:00Z",
        1);
    event(
        namespace,
        "Pod",
        "checkout-hash3-pod1",
        "Warning",
        "BackOff",
        "Back-off restarting failed container checkout",
        "2026-11-21T09:58:00Z",
        7);
    return client.apps().deployments().inNamespace(namespace).withName("checkout").get();
  }

  public ReplicaSet replicaSet(Deployment owner, int revision, String image, int replicas) {
    String hash = "hash" + revision;
    return client
        .resource(
            new ReplicaSetBuilder()
                .withNewMetadata()
                .withNamespace(owner.getMetadata().getNamespace())
                .withName(owner.getMetadata().getName() + "-" + hash)
                .addToLabels("app", owner.getMetadata().getName())
                .addToLabels(ReplicaSets.POD_TEMPLATE_HASH, hash)
                .addToAnnotations(ReplicaSets.REVISION, String.valueOf(revision))
                .addToAnnotations(ReplicaSets.CHANGE_CAUSE, "deploy v" + revision)
                .withCreationTimestamp(NOW.minusSeconds(3600L * (4 - revision)).toString())
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName(owner.getMetadata().getName())
                        .withUid(owner.getMetadata().getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .addToMatchLabels("app", owner.getMetadata().getName())
                .addToMatchLabels(ReplicaSets.POD_TEMPLATE_HASH, hash)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", owner.getMetadata().getName())
                .addToLabels(ReplicaSets.POD_TEMPLATE_HASH, hash)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(owner.getMetadata().getName())
                .withImage(image)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .withNewStatus()
                .withReplicas(replicas)
                .endStatus()
                .build())
        .create();
  }

  public Pod crashingPod(String namespace, String name, String replicaSet, String node) {
    return client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .addToLabels("app", "checkout")
                .addToLabels(ReplicaSets.POD_TEMPLATE_HASH, "hash3")
                .withCreationTimestamp(NOW.minusSeconds(600).toString())
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind("ReplicaSet")
                .withName(replicaSet)
                .withUid("uid-" + replicaSet)
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewContainer()
                .withName("checkout")
                .withImage("registry.example/checkout:v3")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .addNewContainerStatus()
                .withName("checkout")
                .withReady(false)
                .withRestartCount(5)
                .withNewState()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .endWaiting()
                .endState()
                .withNewLastState()
                .withNewTerminated()
                .withReason("OOMKilled")
                .withExitCode(137)
                .endTerminated()
                .endLastState()
                .endContainerStatus()
                .endStatus()
                .build())
        .create();
  }

  /** A pod that nothing owns: deleting it would lose it. */
  public Pod orphanPod(String namespace, String name) {
    return client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("debug")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  public void event(
      String namespace,
      String kind,
      String name,
      String type,
      String reason,
      String message,
      String last,
      int count) {
    client
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name + "." + reason + "." + last.hashCode())
                .endMetadata()
                .withNewInvolvedObject()
                .withKind(kind)
                .withName(name)
                .withNamespace(namespace)
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withLastTimestamp(last)
                .withCount(count)
                .build())
        .create();
  }

  public void node(String name, boolean ready, boolean cordoned, String pressure) {
    var builder =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .withCreationTimestamp(NOW.minusSeconds(86400L * 20).toString())
            .endMetadata()
            .withNewSpec()
            .withUnschedulable(cordoned)
            .endSpec()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .withNewNodeInfo()
            .withKubeletVersion("v1.31.2")
            .endNodeInfo()
            .endStatus();
    if (pressure != null) {
      builder
          .editStatus()
          .addNewCondition()
          .withType(pressure)
          .withStatus("True")
          .endCondition()
          .endStatus();
    }
    client.resource(builder.build()).create();
  }
}
