package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Status and rollout history of a StatefulSet or DaemonSet, as for a Deployment. */
final class PodSetReads {
  private PodSetReads() {}

  /** {@code deployment_status} for a StatefulSet or DaemonSet. */
  static final class Status extends ReadAction {
    private final PodSets.Kind kind;

    Status(KubernetesClient client, Clock clock, PodSets.Kind kind) {
      super(client, clock, "deployment.status", "status", Schemas.namespaced(kind.kind));
      this.kind = kind;
    }

    @Override
    public List<Permission> permissions() {
      return kind == PodSets.Kind.STATEFUL_SET
          ? List.of(kind.read(), Autoscalers.LIST)
          : List.of(kind.read());
    }

    @Override
    String describe(JsonNode arguments) {
      return kind.describe(namespace(arguments), objectName(arguments));
    }

    @Override
    Outcome read(JsonNode arguments) {
      HasMetadata set = kind.resource(client, namespace(arguments), objectName(arguments)).get();
      if (set == null) {
        return new Refused(describe(arguments) + " was not found");
      }
      Map<String, Object> data = new LinkedHashMap<>();
      String counts;
      if (set instanceof StatefulSet s) {
        var st = s.getStatus();
        int desired = PodSets.replicas(s);
        int ready = st == null ? 0 : orZero(st.getReadyReplicas());
        int updated = st == null ? 0 : orZero(st.getUpdatedReplicas());
        int current = st == null ? 0 : orZero(st.getCurrentReplicas());
        counts =
            "%d desired, %d ready, %d updated, %d on the current revision; current revision %s,"
                    .formatted(
                        desired,
                        ready,
                        updated,
                        current,
                        st == null ? "?" : st.getCurrentRevision())
                + " update revision "
                + (st == null ? "?" : st.getUpdateRevision());
        data.put("desiredReplicas", desired);
        data.put("readyReplicas", ready);
        data.put("updatedReplicas", updated);
      } else {
        var st = ((DaemonSet) set).getStatus();
        int desired = st == null ? 0 : orZero(st.getDesiredNumberScheduled());
        int ready = st == null ? 0 : orZero(st.getNumberReady());
        int updated = st == null ? 0 : orZero(st.getUpdatedNumberScheduled());
        int available = st == null ? 0 : orZero(st.getNumberAvailable());
        int misscheduled = st == null ? 0 : orZero(st.getNumberMisscheduled());
        counts =
            "%d desired (one per node it may run on), %d ready, %d updated, %d available, %d"
                    .formatted(desired, ready, updated, available, misscheduled)
                + " misscheduled";
        data.put("desiredPods", desired);
        data.put("readyPods", ready);
        data.put("updatedPods", updated);
      }
      Map<String, String> images = ReplicaSets.images(PodSets.template(set));
      String summary =
          describe(arguments)
              + ": "
              + counts
              + "; update strategy "
              + PodSets.strategy(set)
              + "; images "
              + images.entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(", "));
      if (set instanceof StatefulSet) {
        var autoscaler =
            Autoscalers.of(client, namespace(arguments), objectName(arguments), kind.kind);
        if (autoscaler.isPresent()) {
          summary += "; replicas set by " + Autoscalers.describe(autoscaler.get());
          data.put("autoscaler", autoscaler.get().getMetadata().getName());
        }
      }
      data.put("updateStrategy", PodSets.strategy(set));
      data.put("images", images);
      return new Observed(summary, data);
    }
  }

  /** {@code rollout_history} for a StatefulSet or DaemonSet: its ControllerRevisions. */
  static final class History extends ReadAction {
    private final PodSets.Kind kind;

    History(KubernetesClient client, Clock clock, PodSets.Kind kind) {
      super(client, clock, "deployment.history", "history", Schemas.namespaced(kind.kind));
      this.kind = kind;
    }

    @Override
    public List<Permission> permissions() {
      return List.of(kind.read(), PodSets.READ_REVISIONS, Permission.LIST_PODS);
    }

    @Override
    String describe(JsonNode arguments) {
      return "the history of " + kind.describe(namespace(arguments), objectName(arguments));
    }

    @Override
    Outcome read(JsonNode arguments) {
      String what = kind.describe(namespace(arguments), objectName(arguments));
      HasMetadata set = kind.resource(client, namespace(arguments), objectName(arguments)).get();
      if (set == null) {
        return new Refused(what + " was not found");
      }
      List<ControllerRevision> revisions = PodSets.revisions(client, set);
      if (revisions.isEmpty()) {
        return new Observed(what + " has no ControllerRevisions yet", Map.of("revisions", 0));
      }
      long current = PodSets.current(revisions, set);
      List<Pod> pods = pods(set);
      String lines =
          revisions.stream()
              .map(
                  r -> {
                    long revision = r.getRevision() == null ? 0 : r.getRevision();
                    long running = pods.stream().filter(p -> PodSets.runs(p, r)).count();
                    return "revision %d%s: %s; %d pod%s; created %s ago"
                        .formatted(
                            revision,
                            revision == current ? " (current template)" : "",
                            PodSets.template(r)
                                .map(
                                    t ->
                                        ReplicaSets.images(t).entrySet().stream()
                                            .map(e -> e.getKey() + "=" + e.getValue())
                                            .collect(Collectors.joining(", ")))
                                .orElse("(no template)"),
                            running,
                            running == 1 ? "" : "s",
                            Ages.since(r.getMetadata().getCreationTimestamp(), clock.instant()));
                  })
              .collect(Collectors.joining("\n"));
      return new Observed(
          "%s, %d revisions kept; update strategy %s:\n%s"
              .formatted(what, revisions.size(), PodSets.strategy(set), lines),
          Map.of("revisions", revisions.size(), "current", current));
    }

    private List<Pod> pods(HasMetadata set) {
      var selector =
          set instanceof StatefulSet s
              ? s.getSpec().getSelector()
              : ((DaemonSet) set).getSpec().getSelector();
      if (selector == null || selector.getMatchLabels() == null) {
        return List.of();
      }
      return client
          .pods()
          .inNamespace(set.getMetadata().getNamespace())
          .withLabels(selector.getMatchLabels())
          .list()
          .getItems();
    }
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
