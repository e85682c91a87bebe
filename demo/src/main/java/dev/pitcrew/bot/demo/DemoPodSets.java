package dev.pitcrew.bot.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitcrew.remediations.PodSets;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Just enough of the StatefulSet and DaemonSet controllers: a template change makes a new
 * ControllerRevision (a rollback re-uses the old one under the next number); a StatefulSet keeps
 * pods {@code name-0..n-1} and, in a rolling update, replaces one pod at a time from the highest
 * ordinal down to its partition, waiting while the last one replaced is not ready; a DaemonSet
 * keeps one pod per ready node and replaces one at a time the same way; under {@code OnDelete}
 * neither replaces a pod until someone deletes it. Status is computed from the pods.
 */
final class DemoPodSets {
  static final String HASH = PodSets.REVISION_HASH;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DemoController controller;

  DemoPodSets(DemoController controller) {
    this.controller = controller;
  }

  private KubernetesClient client() {
    return controller.client();
  }

  void reconcile(HasMetadata set) {
    ControllerRevision update = updateRevision(set);
    String ns = set.getMetadata().getNamespace();
    List<ControllerRevision> revisions = PodSets.revisions(client(), set);
    List<Pod> pods =
        client().pods().inNamespace(ns).list().getItems().stream()
            .filter(p -> ownedBy(p, set))
            .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getName()))
            .toList();
    boolean onDelete = "OnDelete".equals(strategyType(set));
    List<Pod> kept = new ArrayList<>();
    if (set instanceof StatefulSet s) {
      int desired = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
      int partition = PodSets.partition(s);
      String current = currentRevision(s, update);
      for (Pod pod : pods) {
        if (ordinal(pod, s) >= desired) {
          client().resource(pod).delete();
        } else {
          kept.add(controller.started(pod));
        }
      }
      for (int i = 0; i < desired; i++) {
        String name = s.getMetadata().getName() + "-" + i;
        if (kept.stream().noneMatch(p -> p.getMetadata().getName().equals(name))) {
          ControllerRevision revision =
              i >= partition ? update : named(revisions, current).orElse(update);
          kept.add(
              controller.createPod(
                  s,
                  template(revision),
                  name,
                  controller.nodeFor(name),
                  revision.getMetadata().getName()));
          return; // one at a time: the next tick starts it
        }
      }
      if (!onDelete) {
        // Highest ordinal first, down to the partition; wait while a replaced pod is not ready.
        for (int i = desired - 1; i >= partition; i--) {
          Pod pod = byName(kept, s.getMetadata().getName() + "-" + i);
          if (!PodSets.runs(pod, update)) {
            client().resource(pod).delete();
            break;
          }
          if (!DemoController.isReady(pod)) {
            break;
          }
        }
      }
      int ready = (int) kept.stream().filter(DemoController::isReady).count();
      int updated = (int) kept.stream().filter(p -> PodSets.runs(p, update)).count();
      boolean done = updated == desired;
      var status =
          new StatefulSetStatusBuilder()
              .withReplicas(kept.size())
              .withReadyReplicas(ready)
              .withAvailableReplicas(ready)
              .withUpdatedReplicas(updated)
              .withCurrentReplicas(done ? updated : kept.size() - updated)
              .withCurrentRevision(done ? update.getMetadata().getName() : current)
              .withUpdateRevision(update.getMetadata().getName())
              .withObservedGeneration(s.getMetadata().getGeneration())
              .build();
      if (!Objects.equals(status, s.getStatus())) {
        StatefulSet latest =
            client()
                .apps()
                .statefulSets()
                .inNamespace(ns)
                .withName(s.getMetadata().getName())
                .get();
        latest.setStatus(status);
        client().resource(latest).updateStatus();
      }
      return;
    }
    DaemonSet d = (DaemonSet) set;
    List<String> nodes = controller.readyNodes();
    for (Pod pod : pods) {
      if (!nodes.contains(pod.getSpec().getNodeName())) {
        client().resource(pod).delete();
      } else {
        kept.add(controller.started(pod));
      }
    }
    for (String node : nodes) {
      if (kept.stream().noneMatch(p -> node.equals(p.getSpec().getNodeName()))) {
        kept.add(
            controller.createPod(
                d, template(update), d.getMetadata().getName() + "-" + node, node, hash(update)));
      }
    }
    if (!onDelete
        && kept.stream().filter(p -> PodSets.runs(p, update)).allMatch(DemoController::isReady)) {
      kept.stream()
          .filter(p -> !PodSets.runs(p, update))
          .findFirst()
          .ifPresent(p -> client().resource(p).delete());
    }
    int ready = (int) kept.stream().filter(DemoController::isReady).count();
    int updated = (int) kept.stream().filter(p -> PodSets.runs(p, update)).count();
    var status =
        new DaemonSetStatusBuilder()
            .withDesiredNumberScheduled(nodes.size())
            .withCurrentNumberScheduled(kept.size())
            .withNumberReady(ready)
            .withNumberAvailable(ready)
            .withNumberUnavailable(nodes.size() - ready)
            .withUpdatedNumberScheduled(updated)
            .withNumberMisscheduled(0)
            .withObservedGeneration(d.getMetadata().getGeneration())
            .build();
    if (!Objects.equals(status, d.getStatus())) {
      DaemonSet latest =
          client().apps().daemonSets().inNamespace(ns).withName(d.getMetadata().getName()).get();
      latest.setStatus(status);
      client().resource(latest).updateStatus();
    }
  }

  /** The revision of the set's template: found, bumped to the newest (a rollback), or created. */
  private ControllerRevision updateRevision(HasMetadata set) {
    List<ControllerRevision> revisions = PodSets.revisions(client(), set);
    PodTemplateSpec template = PodSets.template(set);
    long newest =
        revisions.stream()
            .mapToLong(r -> r.getRevision() == null ? 0 : r.getRevision())
            .max()
            .orElse(0);
    Optional<ControllerRevision> same =
        revisions.stream()
            .filter(
                r ->
                    PodSets.template(r)
                        .map(t -> JSON.valueToTree(t).equals(JSON.valueToTree(template)))
                        .orElse(false))
            .findFirst();
    if (same.isPresent()) {
      ControllerRevision r = same.get();
      if (r.getRevision() != null && r.getRevision() < newest) {
        r.setRevision(newest + 1);
        return client().resource(r).update();
      }
      return r;
    }
    String hash =
        String.format(
                java.util.Locale.ROOT, "%08x", JSON.valueToTree(template).toString().hashCode())
            .substring(0, 8);
    return client()
        .resource(
            new ControllerRevisionBuilder()
                .withNewMetadata()
                .withNamespace(set.getMetadata().getNamespace())
                .withName(set.getMetadata().getName() + "-" + hash)
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind(set.getKind())
                        .withName(set.getMetadata().getName())
                        .withUid(set.getMetadata().getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .withRevision(newest + 1)
                .withData(
                    Map.of("spec", Map.of("template", JSON.convertValue(template, Map.class))))
                .build())
        .create();
  }

  private static String currentRevision(StatefulSet s, ControllerRevision update) {
    return s.getStatus() == null || s.getStatus().getCurrentRevision() == null
        ? update.getMetadata().getName()
        : s.getStatus().getCurrentRevision();
  }

  private static Optional<ControllerRevision> named(List<ControllerRevision> all, String name) {
    return all.stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
  }

  private static PodTemplateSpec template(ControllerRevision revision) {
    return PodSets.template(revision).orElseThrow();
  }

  /** A DaemonSet's pods carry the hash alone; a StatefulSet's the revision's name. */
  private static String hash(ControllerRevision revision) {
    String name = revision.getMetadata().getName();
    return name.substring(name.lastIndexOf('-') + 1);
  }

  private static Pod byName(List<Pod> pods, String name) {
    return pods.stream()
        .filter(p -> p.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static int ordinal(Pod pod, StatefulSet s) {
    String suffix = pod.getMetadata().getName().substring(s.getMetadata().getName().length() + 1);
    try {
      return Integer.parseInt(suffix);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  private static String strategyType(HasMetadata set) {
    var strategy =
        set instanceof StatefulSet s
            ? (s.getSpec().getUpdateStrategy() == null
                ? null
                : s.getSpec().getUpdateStrategy().getType())
            : (((DaemonSet) set).getSpec().getUpdateStrategy() == null
                ? null
                : ((DaemonSet) set).getSpec().getUpdateStrategy().getType());
    return strategy == null ? "RollingUpdate" : strategy;
  }

  private static boolean ownedBy(Pod pod, HasMetadata set) {
    return pod.getMetadata().getOwnerReferences() != null
        && pod.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> set.getMetadata().getUid().equals(o.getUid()));
  }
}
