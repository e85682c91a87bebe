package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Rollback, restart and scale of a StatefulSet or DaemonSet: the same runbooks as for a Deployment,
 * by its {@code kind} argument, with their rollout rules said on the card (a StatefulSet's
 * partition keeps its lower ordinals on the old revision; {@code OnDelete} changes the template but
 * no pod until it is deleted).
 */
final class PodSetMutations {
  private PodSetMutations() {}

  /** A change to one StatefulSet or DaemonSet. */
  abstract static class PodSetMutation extends Mutation<HasMetadata> {
    final PodSets.Kind kind;

    PodSetMutation(
        KubernetesClient client,
        ChangeRecorder recorder,
        String name,
        PodSets.Kind kind,
        JsonNode schema) {
      super(client, recorder, name, name, schema);
      this.kind = kind;
    }

    @Override
    Resource<HasMetadata> resource(JsonNode arguments) {
      return kind.resource(client, namespace(arguments), objectName(arguments));
    }

    @Override
    String describe(JsonNode arguments) {
      return kind.describe(namespace(arguments), objectName(arguments));
    }

    @Override
    public List<Permission> permissions() {
      List<Permission> needs =
          new ArrayList<>(List.of(kind.change(), Permission.namespaced("", "events", "create")));
      if (startsRollout()) {
        // The rollout watch reads the pods and which revision each runs.
        needs.add(Permission.LIST_PODS);
        needs.add(PodSets.READ_REVISIONS);
      }
      return List.copyOf(needs);
    }

    boolean startsRollout() {
      return true;
    }

    /** Watched unless the pods only change when deleted (OnDelete). */
    @Override
    Optional<Rollout> rollout(JsonNode arguments) {
      if (!startsRollout()) {
        return Optional.empty();
      }
      HasMetadata set;
      try {
        set = resource(arguments).get();
      } catch (KubernetesClientException e) {
        set = null;
      }
      return set != null && PodSets.onDelete(set)
          ? Optional.empty()
          : Optional.of(new Rollout(kind.kind, namespace(arguments), objectName(arguments)));
    }

    /** How the pods will follow a template change, when that is not all of them at once. */
    @Override
    List<String> warnings(HasMetadata current, JsonNode arguments) {
      if (!startsRollout()) {
        return List.of();
      }
      if (PodSets.onDelete(current)) {
        return List.of(
            "its update strategy is OnDelete: the template changes, but each pod keeps running"
                + " the old revision until it is deleted (delete_pod, one at a time)");
      }
      if (current instanceof StatefulSet s && PodSets.partition(s) > 0) {
        return List.of(
            "its rolling update has partition %d: only pods with an ordinal of %d or more (%d of %d) will change"
                .formatted(
                    PodSets.partition(s),
                    PodSets.partition(s),
                    Math.max(0, PodSets.replicas(s) - PodSets.partition(s)),
                    PodSets.replicas(s)));
      }
      return List.of();
    }

    Map<String, Object> target(JsonNode arguments) {
      Map<String, Object> target = new HashMap<>();
      target.put("kind", kind.kind);
      target.put("namespace", namespace(arguments));
      target.put("name", objectName(arguments));
      return target;
    }

    @Override
    String state(HasMetadata set) {
      return "%s: update strategy %s, images %s"
          .formatted(
              kind.describe(set.getMetadata().getNamespace(), set.getMetadata().getName()),
              PodSets.strategy(set),
              ReplicaSets.images(PodSets.template(set)));
    }
  }

  /** {@code kubectl rollout undo} for a StatefulSet or DaemonSet, from its ControllerRevisions. */
  static final class Rollback extends PodSetMutation {
    Rollback(KubernetesClient client, ChangeRecorder recorder, PodSets.Kind kind) {
      super(
          client,
          recorder,
          "deployment.rollback",
          kind,
          Schemas.namespaced(kind.kind, "\"revision\": {\"type\": \"integer\", \"minimum\": 0}"));
    }

    @Override
    Planned plan(HasMetadata current, JsonNode arguments) {
      List<ControllerRevision> revisions;
      try {
        revisions = PodSets.revisions(client, current);
      } catch (KubernetesClientException e) {
        return new NotPlanned(
            KubeFailures.describe(e, "list the ControllerRevisions of", describe(arguments)));
      }
      long now = PodSets.current(revisions, current);
      long wanted = arguments.path("revision").asLong(0);
      String kept =
          revisions.stream()
              .map(r -> String.valueOf(r.getRevision()))
              .collect(Collectors.joining(", "));
      Optional<ControllerRevision> chosen =
          wanted == 0
              ? revisions.stream()
                  .filter(r -> r.getRevision() != null && r.getRevision() < now)
                  .reduce((a, b) -> b)
              : revisions.stream()
                  .filter(r -> r.getRevision() != null && r.getRevision() == wanted)
                  .findFirst();
      if (chosen.isEmpty()) {
        return refuse(
            describe(arguments)
                + (wanted == 0
                    ? " has no earlier revision to roll back to"
                    : " has no revision " + wanted)
                + " (revisions kept: "
                + (kept.isEmpty() ? "none" : kept)
                + "; current: "
                + now
                + ")");
      }
      long to = chosen.get().getRevision();
      Optional<PodTemplateSpec> template = PodSets.template(chosen.get());
      if (template.isEmpty()) {
        return refuse("revision " + to + " of " + describe(arguments) + " holds no pod template");
      }
      PodTemplateSpec from = PodSets.template(current);
      if (PodSets.same(from, template.get())) {
        return refuse(
            "revision %d of %s runs the same pods as the current revision %d (%s), so rolling back would not change what runs"
                .formatted(to, describe(arguments), now, images(from)));
      }
      List<Change> changes = RollbackDeployment.changes(from, template.get(), now, to);
      Map<String, Object> undo = target(arguments);
      undo.put("revision", now);
      PodTemplateSpec back = template.get();
      return new Intent(
          new Plan(
              "Roll back %s from revision %d to revision %d (%s)"
                  .formatted(describe(arguments), now, to, images(back)),
              changes,
              Optional.of(new Inverse(name(), undo))),
          context -> RollbackDeployment.writeTemplate(current, back, context));
    }

    private static String images(PodTemplateSpec template) {
      return ReplicaSets.images(template).entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining(", "));
    }

    @Override
    String done(Plan plan) {
      return plan.summary().replaceFirst("^Roll back ", "Rolled back ");
    }

    @Override
    String eventReason() {
      return "PitcrewRolledBack";
    }
  }

  /** {@code kubectl rollout restart} for a StatefulSet or DaemonSet. */
  static final class Restart extends PodSetMutation {
    private final Clock clock;

    Restart(KubernetesClient client, ChangeRecorder recorder, PodSets.Kind kind, Clock clock) {
      super(client, recorder, "deployment.restart", kind, Schemas.namespaced(kind.kind));
      this.clock = clock;
    }

    @Override
    Planned plan(HasMetadata current, JsonNode arguments) {
      int pods =
          current instanceof StatefulSet s
              ? PodSets.replicas(s)
              : ((DaemonSet) current).getStatus() == null
                  ? 0
                  : orZero(((DaemonSet) current).getStatus().getDesiredNumberScheduled());
      return new Intent(
          new Plan(
              "Restart %s: replace its %d pods, %s"
                  .formatted(
                      describe(arguments),
                      pods,
                      current instanceof StatefulSet
                          ? "one at a time from the highest ordinal"
                          : "node by node"),
              List.of(RestartDeployment.change(PodSets.template(current))),
              Optional.empty()),
          RestartDeployment.stamp(clock));
    }

    @Override
    String done(Plan plan) {
      return plan.summary()
          .replaceFirst("^Restart ", "Restarted ")
          .replace(": replace", ": replacing");
    }

    @Override
    String eventReason() {
      return "PitcrewRestarted";
    }
  }

  /** {@code scale_deployment} for a StatefulSet: pods are added or removed at the top ordinal. */
  static final class Scale extends PodSetMutation {
    Scale(KubernetesClient client, ChangeRecorder recorder) {
      super(
          client,
          recorder,
          "deployment.scale",
          PodSets.Kind.STATEFUL_SET,
          Schemas.namespaced(
              "StatefulSet", "\"replicas\": {\"type\": \"integer\", \"minimum\": 0}"));
    }

    @Override
    public List<Permission> permissions() {
      List<Permission> needs = new ArrayList<>(super.permissions());
      needs.add(Autoscalers.LIST);
      return List.copyOf(needs);
    }

    @Override
    Planned plan(HasMetadata current, JsonNode arguments) {
      int from = PodSets.replicas((StatefulSet) current);
      int to = arguments.path("replicas").asInt();
      if (from == to) {
        return refuse(
            describe(arguments) + " already has " + from + " replicas; nothing to change");
      }
      Map<String, Object> undo = target(arguments);
      undo.put("replicas", from);
      String name = objectName(arguments);
      return new Intent(
          new Plan(
              "Scale %s from %d to %d replicas (%s)"
                  .formatted(
                      describe(arguments),
                      from,
                      to,
                      to > from
                          ? "adds "
                              + name
                              + "-"
                              + from
                              + (to - from > 1 ? " to " + name + "-" + (to - 1) : "")
                          : "removes "
                              + name
                              + "-"
                              + (from - 1)
                              + (from - to > 1 ? " down to " + name + "-" + to : "")
                              + "; their PersistentVolumeClaims stay"),
              List.of(new Change("spec.replicas", from, to)),
              Optional.of(new Inverse(name(), undo))),
          mergePatch(patch -> patch.putObject("spec").put("replicas", to)));
    }

    @Override
    List<String> warnings(HasMetadata current, JsonNode arguments) {
      return Autoscalers.overriding(
              client, namespace(arguments), objectName(arguments), kind.kind, arguments)
          .stream()
          .toList();
    }

    @Override
    String done(Plan plan) {
      return plan.summary().replaceFirst("^Scale ", "Scaled ");
    }

    @Override
    String eventReason() {
      return "PitcrewScaled";
    }
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
