package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * StatefulSets and DaemonSets, read alike: both keep their revisions as ControllerRevisions (whose
 * {@code data} is a patch holding {@code spec.template}), label their pods with {@code
 * controller-revision-hash}, and roll by an update strategy ({@code RollingUpdate}, with a
 * StatefulSet's {@code partition}, or {@code OnDelete}). Public for the demo cluster's controller.
 */
public final class PodSets {
  /** The label on each pod naming the ControllerRevision it runs. */
  public static final String REVISION_HASH = "controller-revision-hash";

  static final Permission READ_REVISIONS =
      Permission.namespaced("apps", "controllerrevisions", "list");

  private static final ObjectMapper JSON = new ObjectMapper();

  private PodSets() {}

  /** The kinds a {@code kind} argument takes besides Deployment. */
  enum Kind {
    STATEFUL_SET("StatefulSet", "statefulsets", StatefulSet.class),
    DAEMON_SET("DaemonSet", "daemonsets", DaemonSet.class);

    final String kind;
    final String resource;
    final Class<? extends HasMetadata> type;

    Kind(String kind, String resource, Class<? extends HasMetadata> type) {
      this.kind = kind;
      this.resource = resource;
      this.type = type;
    }

    /** {@code statefulset shop/orders-db}, as kubectl names it. */
    String describe(String namespace, String name) {
      return kind.toLowerCase(java.util.Locale.ROOT) + " " + namespace + "/" + name;
    }

    Permission read() {
      return Permission.namespaced("apps", resource, "get");
    }

    Permission change() {
      return Permission.namespaced("apps", resource, "get", "patch");
    }

    @SuppressWarnings("unchecked")
    Resource<HasMetadata> resource(KubernetesClient client, String namespace, String name) {
      return (Resource<HasMetadata>)
          (Resource<?>) client.resources(type).inNamespace(namespace).withName(name);
    }
  }

  /** The pod template of a StatefulSet or DaemonSet. */
  public static PodTemplateSpec template(HasMetadata set) {
    return set instanceof StatefulSet s
        ? s.getSpec().getTemplate()
        : ((DaemonSet) set).getSpec().getTemplate();
  }

  /** {@code RollingUpdate}, {@code RollingUpdate (partition 2)} or {@code OnDelete}. */
  static String strategy(HasMetadata set) {
    if (set instanceof StatefulSet s) {
      var strategy = s.getSpec().getUpdateStrategy();
      if (strategy != null && "OnDelete".equals(strategy.getType())) {
        return "OnDelete";
      }
      int partition = partition(s);
      return partition > 0 ? "RollingUpdate (partition " + partition + ")" : "RollingUpdate";
    }
    var strategy = ((DaemonSet) set).getSpec().getUpdateStrategy();
    return strategy != null && "OnDelete".equals(strategy.getType()) ? "OnDelete" : "RollingUpdate";
  }

  static boolean onDelete(HasMetadata set) {
    return strategy(set).equals("OnDelete");
  }

  /** Pods with an ordinal below this keep the old revision in a rolling update. */
  public static int partition(StatefulSet set) {
    var strategy = set.getSpec().getUpdateStrategy();
    return strategy == null
            || strategy.getRollingUpdate() == null
            || strategy.getRollingUpdate().getPartition() == null
        ? 0
        : strategy.getRollingUpdate().getPartition();
  }

  static int replicas(StatefulSet set) {
    return set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
  }

  /** The set's ControllerRevisions (by owner UID, not by labels), oldest first. */
  public static List<ControllerRevision> revisions(KubernetesClient client, HasMetadata set) {
    String uid = set.getMetadata().getUid();
    return client
        .apps()
        .controllerRevisions()
        .inNamespace(set.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(r -> ReplicaSets.controlledBy(r.getMetadata().getOwnerReferences(), uid))
        .sorted(Comparator.comparingLong(r -> r.getRevision() == null ? 0 : r.getRevision()))
        .toList();
  }

  /** The pod template a revision holds, if its data has one. */
  public static Optional<PodTemplateSpec> template(ControllerRevision revision) {
    if (revision.getData() == null) {
      return Optional.empty();
    }
    var template = JSON.valueToTree(revision.getData()).path("spec").path("template");
    if (template.isMissingNode()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.treeToValue(template, PodTemplateSpec.class));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** The revision the set's template is now (its update revision): by template, then by name. */
  static long current(List<ControllerRevision> revisions, HasMetadata set) {
    String update = updateRevision(set);
    PodTemplateSpec now = template(set);
    return revisions.stream()
        .filter(
            r ->
                r.getMetadata().getName().equals(update)
                    || template(r).map(t -> same(t, now)).orElse(false))
        .mapToLong(r -> r.getRevision() == null ? 0 : r.getRevision())
        .max()
        .orElse(0);
  }

  /** Two templates that run the same pods, whatever labels a controller added. */
  static boolean same(PodTemplateSpec a, PodTemplateSpec b) {
    return java.util.Objects.equals(a.getSpec(), b.getSpec());
  }

  /**
   * Whether {@code pod} runs {@code revision}: a StatefulSet labels its pods with the revision's
   * name, a DaemonSet with the hash that ends it.
   */
  public static boolean runs(io.fabric8.kubernetes.api.model.Pod pod, ControllerRevision revision) {
    var labels = pod.getMetadata().getLabels();
    String hash = labels == null ? null : labels.get(REVISION_HASH);
    String name = revision.getMetadata().getName();
    return hash != null && (name.equals(hash) || name.endsWith("-" + hash));
  }

  static String updateRevision(HasMetadata set) {
    if (set instanceof StatefulSet s) {
      return s.getStatus() == null ? null : s.getStatus().getUpdateRevision();
    }
    return null; // a DaemonSet's status does not name it; its template decides
  }
}
