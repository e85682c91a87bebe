package dev.pitcrew.remediations;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;

/** The actions Pitcrew can take on a cluster. */
public final class Remediations {
  private Remediations() {}

  /** Every action, bound to one client. */
  public static List<Remediation> all(KubernetesClient client) {
    return List.of(deploymentStatus(client), scaleDeployment(client));
  }

  /** {@code deployment.status}: replicas, conditions, images and revision of one Deployment. */
  public static Remediation deploymentStatus(KubernetesClient client) {
    return new DeploymentStatus(client);
  }

  /** {@code deployment.scale}: set the replica count of one Deployment. */
  public static Remediation scaleDeployment(KubernetesClient client) {
    return scaleDeployment(client, Clock.systemUTC());
  }

  static Remediation scaleDeployment(KubernetesClient client, Clock clock) {
    return new ScaleDeployment(client, new ChangeRecorder(client, clock));
  }
}
