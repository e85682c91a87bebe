package dev.pitcrew.approvals;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** What the durable stores do alike with the ConfigMaps they keep. */
final class StoredObjects {
  private StoredObjects() {}

  /**
   * Deletes {@code cm} locked to the version it was read at, so one written since is kept.
   *
   * @return false if it was written since or is already gone (another replica was first)
   */
  static boolean deleteAsRead(KubernetesClient client, String namespace, ConfigMap cm) {
    try {
      client
          .configMaps()
          .inNamespace(namespace)
          .withName(cm.getMetadata().getName())
          .lockResourceVersion(cm.getMetadata().getResourceVersion())
          .delete();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 409) {
        throw e;
      }
      return false;
    }
  }
}
