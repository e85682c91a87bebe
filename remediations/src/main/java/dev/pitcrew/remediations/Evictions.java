package dev.pitcrew.remediations;

import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.util.List;

/** The Eviction API: a pod deleted only if its PodDisruptionBudgets allow it now. */
final class Evictions {
  static final Permission EVICT = Permission.namespaced("", "pods/eviction", "create");

  private final KubernetesClient client;
  private volatile KubernetesClient once;

  /** Evictions through {@code client}'s API server, as its identity. */
  Evictions(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Evicts exactly this pod (a replacement reusing its name is another UID).
   *
   * @return false if a PodDisruptionBudget refused it (429): an answer, not an error. Fabric8 would
   *     retry a 429 with back-off for most of two minutes, so the call is made without retries.
   * @throws io.fabric8.kubernetes.client.KubernetesClientException for any other refusal
   */
  boolean evict(Pod pod, boolean dryRun) {
    return withoutRetries()
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .evict(
            new EvictionBuilder()
                .withNewMetadata()
                .withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .endMetadata()
                .withDeleteOptions(
                    new DeleteOptionsBuilder()
                        .withDryRun(dryRun ? List.of("All") : null)
                        .withNewPreconditions()
                        .withUid(pod.getMetadata().getUid())
                        .endPreconditions()
                        .build())
                .build());
  }

  /** {@code client} with the same identity and settings, retrying nothing; made once. */
  private KubernetesClient withoutRetries() {
    KubernetesClient made = once;
    if (made == null) {
      made =
          client
              .newClient(
                  new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                      .withRequestRetryBackoffLimit(0)
                      .build())
              .adapt(KubernetesClient.class);
      once = made;
    }
    return made;
  }
}
