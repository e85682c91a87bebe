package dev.pitcrew.remediations;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Deployment's revisions, found the way kubectl finds them. Public for the demo cluster's
 * controller, which must see revisions exactly as the remediations do.
 */
public final class ReplicaSets {
  public static final String REVISION = "deployment.kubernetes.io/revision";
  static final String CHANGE_CAUSE = "kubernetes.io/change-cause";
  public static final String POD_TEMPLATE_HASH = "pod-template-hash";

  private ReplicaSets() {}

  /**
   * ReplicaSets whose controller owner is this Deployment (by UID, not by labels), oldest revision
   * first.
   */
  public static List<ReplicaSet> owned(KubernetesClient client, Deployment deployment) {
    String uid = deployment.getMetadata().getUid();
    return client
        .apps()
        .replicaSets()
        .inNamespace(deployment.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(rs -> controlledBy(rs.getMetadata().getOwnerReferences(), uid))
        .sorted(Comparator.comparingLong(ReplicaSets::revision))
        .toList();
  }

  public static boolean controlledBy(List<OwnerReference> owners, String uid) {
    return uid != null
        && owners != null
        && owners.stream()
            .anyMatch(o -> Boolean.TRUE.equals(o.getController()) && uid.equals(o.getUid()));
  }

  public static long revision(io.fabric8.kubernetes.api.model.HasMetadata object) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(REVISION);
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The template as the Deployment would hold it: without the controller's hash label. */
  public static PodTemplateSpec withoutHash(PodTemplateSpec template) {
    PodTemplateSpec copy = new PodTemplateSpecBuilder(template).build();
    if (copy.getMetadata() != null && copy.getMetadata().getLabels() != null) {
      Map<String, String> labels = new LinkedHashMap<>(copy.getMetadata().getLabels());
      labels.remove(POD_TEMPLATE_HASH);
      copy.getMetadata().setLabels(labels);
    }
    return copy;
  }

  /** container name -> image, in template order. */
  static Map<String, String> images(PodTemplateSpec template) {
    Map<String, String> images = new LinkedHashMap<>();
    template.getSpec().getContainers().forEach(c -> images.put(c.getName(), c.getImage()));
    return images;
  }
}
