package dev.pitcrew.remediations;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

/** Deployments as a real API server would hold them after a controller reconciled them. */
public final class Deployments {
  private Deployments() {}

  public static Deployment ready(String namespace, String name, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withUid("uid-" + name)
        .addToAnnotations("deployment.kubernetes.io/revision", "4")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(name)
        .withImage("registry.example/" + name + ":v4")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .withNewStatus()
        .withReplicas(replicas)
        .withReadyReplicas(replicas)
        .withUpdatedReplicas(replicas)
        .withAvailableReplicas(replicas)
        .addNewCondition()
        .withType("Available")
        .withStatus("True")
        .withReason("MinimumReplicasAvailable")
        .endCondition()
        .endStatus()
        .build();
  }
}
