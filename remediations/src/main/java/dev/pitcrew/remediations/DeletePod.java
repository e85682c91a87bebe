package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Deletes one pod that a controller will replace; a pod nothing recreates is refused. */
final class DeletePod extends Action {
  private static final JsonNode SCHEMA = Schemas.namespaced("Pod");

  private final KubernetesClient client;
  private final ChangeRecorder recorder;

  DeletePod(KubernetesClient client, ChangeRecorder recorder) {
    super("pod.delete", "Delete one pod so that its controller replaces it.", SCHEMA);
    this.client = client;
    this.recorder = recorder;
  }

  @Override
  public List<Permission> permissions() {
    return List.of(
        Permission.namespaced("", "pods", "get", "delete"),
        Permission.namespaced("", "events", "create"));
  }

  @Override
  public Risk risk() {
    return Risk.MUTATE;
  }

  private PodResource pod(JsonNode arguments) {
    return client.pods().inNamespace(namespace(arguments)).withName(objectName(arguments));
  }

  private static String describe(JsonNode arguments) {
    return "pod " + qualified(arguments);
  }

  @Override
  public Preview preview(JsonNode arguments) {
    Pod pod;
    try {
      pod = pod(arguments).get();
    } catch (KubernetesClientException e) {
      return KubeFailures.describe(e, "read", describe(arguments));
    }
    return plan(pod, arguments);
  }

  private Preview plan(Pod pod, JsonNode arguments) {
    if (pod == null) {
      return new Refused(describe(arguments) + " was not found");
    }
    Optional<OwnerReference> owner = Pods.controller(pod);
    if (owner.isEmpty()) {
      return new Refused(
          describe(arguments)
              + " has no controller (no ownerReference), so nothing would recreate it; Pitcrew"
              + " does not delete it");
    }
    String state =
        "%s, %s ready, %d restarts, on node %s"
            .formatted(Pods.phase(pod), Pods.ready(pod), Pods.restarts(pod), Pods.node(pod));
    return new Plan(
        "Delete %s (%s); %s %s will create a replacement"
            .formatted(describe(arguments), state, owner.get().getKind(), owner.get().getName()),
        List.of(new Change(describe(arguments), state, "deleted")),
        Optional.empty());
  }

  @Override
  public Outcome execute(JsonNode arguments, ChangeContext context) {
    Pod pod;
    try {
      pod = pod(arguments).get();
    } catch (KubernetesClientException e) {
      return KubeFailures.describe(e, "read", describe(arguments));
    }
    Preview preview = plan(pod, arguments);
    if (!(preview instanceof Plan plan)) {
      return (Outcome) preview;
    }
    try {
      // Locked to the version read: a retried delete cannot remove a replacement that reuses the
      // name (StatefulSet pods do).
      pod(arguments).lockResourceVersion(pod.getMetadata().getResourceVersion()).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return new Applied(
            describe(arguments) + " was already gone",
            Map.of(),
            Optional.empty(),
            Optional.empty());
      }
      if (!KubeFailures.ambiguous(e)) {
        return KubeFailures.describe(e, "delete", describe(arguments));
      }
      Optional<Outcome> after = afterLostAnswer(arguments, pod, plan, context, e);
      if (after.isPresent()) {
        return after.get();
      }
    }
    return deleted(pod, plan, context);
  }

  private Applied deleted(Pod pod, Plan plan, ChangeContext context) {
    String summary = plan.summary().replaceFirst("^Delete ", "Deleted ");
    recorder.event(pod, "PitcrewDeleted", summary, context);
    return new Applied(summary, Map.of(), Optional.empty(), Optional.empty());
  }

  /**
   * The delete's answer was lost: the pod decides. Gone, replaced (another UID) or terminating
   * means the delete landed; the same pod still running means nobody can say yet.
   *
   * @return the outcome, or empty if the pod shows the delete landed
   */
  private Optional<Outcome> afterLostAnswer(
      JsonNode arguments,
      Pod before,
      Plan plan,
      ChangeContext context,
      KubernetesClientException e) {
    String reason = KubeFailures.describe(e, "delete", describe(arguments)).reason();
    Pod now;
    try {
      now = pod(arguments).get();
    } catch (KubernetesClientException readFailed) {
      return Optional.of(
          new OutcomeUnknown(
              reason,
              "could not read "
                  + describe(arguments)
                  + " back: "
                  + KubeFailures.describe(readFailed, "read", describe(arguments)).reason()));
    }
    boolean landed =
        now == null
            || !java.util.Objects.equals(now.getMetadata().getUid(), before.getMetadata().getUid())
            || now.getMetadata().getDeletionTimestamp() != null;
    if (landed) {
      return Optional.empty();
    }
    return Optional.of(
        new OutcomeUnknown(
            reason,
            describe(arguments)
                + " still exists, "
                + Pods.phase(now)
                + ", not marked for deletion"));
  }
}
