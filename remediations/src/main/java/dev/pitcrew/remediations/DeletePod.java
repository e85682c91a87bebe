package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deletes one pod that a controller will replace, through the Eviction API, so the API server holds
 * it to the pod's PodDisruptionBudgets; a pod nothing recreates is refused.
 */
final class DeletePod extends Action {
  private static final JsonNode SCHEMA = Schemas.namespaced("Pod");

  private final KubernetesClient client;
  private final ChangeRecorder recorder;
  private final Evictions evictions;

  DeletePod(KubernetesClient client, ChangeRecorder recorder) {
    super(
        "pod.delete",
        "Delete (evict) one pod so that its controller replaces it, within its"
            + " PodDisruptionBudgets.",
        SCHEMA);
    this.client = client;
    this.recorder = recorder;
    this.evictions = new Evictions(client);
  }

  @Override
  public List<Permission> permissions() {
    return List.of(
        Permission.namespaced("", "pods", "get"),
        Evictions.EVICT,
        Budgets.LIST,
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
    Preview plan = plan(pod, arguments);
    if (!(plan instanceof Plan)) {
      return plan;
    }
    // The API server's own answer, before anyone approves: RBAC, admission and budgets decide.
    try {
      if (!evictions.evict(pod, true)) {
        return new Refused(
            "a server-side dry run says the eviction would be refused: a PodDisruptionBudget"
                + " allows no disruption of "
                + describe(arguments)
                + " now");
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return new Refused(describe(arguments) + " was not found");
      }
      return new Refused(
          "a server-side dry run says this would fail: "
              + KubeFailures.describe(e, "evict", describe(arguments)).reason());
    }
    return plan;
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
    if (Pods.mirror(pod)) {
      return new Refused(
          describe(arguments)
              + " is a static pod: the kubelet of its node runs it from a file, and the API"
              + " server cannot evict it");
    }
    List<PodDisruptionBudget> budgets =
        Budgets.covering(Budgets.in(client, pod.getMetadata().getNamespace()), pod);
    Optional<PodDisruptionBudget> blocking = Budgets.blocking(budgets);
    if (blocking.isPresent()) {
      return new Refused(
          "deleting %s would take more down than %s allows; nothing is deleted"
              .formatted(describe(arguments), Budgets.describe(blocking.get())));
    }
    String state =
        "%s, %s ready, %d restarts, on node %s"
            .formatted(Pods.phase(pod), Pods.ready(pod), Pods.restarts(pod), Pods.node(pod));
    return new Plan(
        "Delete %s (%s); %s %s will create a replacement%s"
            .formatted(
                describe(arguments),
                state,
                owner.get().getKind(),
                owner.get().getName(),
                budgets.isEmpty()
                    ? ""
                    : "; within "
                        + budgets.stream()
                            .map(Budgets::describe)
                            .collect(java.util.stream.Collectors.joining(", "))),
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
      // Bound to the UID read: a retried eviction cannot remove a replacement that reuses the
      // name (StatefulSet pods do).
      if (!evictions.evict(pod, false)) {
        List<PodDisruptionBudget> budgets =
            Budgets.covering(Budgets.in(client, pod.getMetadata().getNamespace()), pod);
        return new Refused(
            "the API server refused to evict %s: %s; nothing was deleted"
                .formatted(
                    describe(arguments),
                    Budgets.blocking(budgets)
                        .map(b -> Budgets.describe(b) + " allows no disruption now")
                        .orElse("a PodDisruptionBudget allows no disruption now")));
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return new Applied(
            describe(arguments) + " was already gone",
            Map.of(),
            Optional.empty(),
            Optional.empty());
      }
      if (!KubeFailures.ambiguous(e)) {
        return KubeFailures.describe(e, "evict", describe(arguments));
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
    String reason = KubeFailures.describe(e, "evict", describe(arguments)).reason();
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
