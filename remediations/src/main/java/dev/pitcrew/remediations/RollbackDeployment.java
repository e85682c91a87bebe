package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code kubectl rollout undo}, written out: the Deployment's own ReplicaSets (by owner UID), their
 * revision annotations, and the chosen template copied back without {@code pod-template-hash}.
 * Fabric8's {@code rolling().undo()} matches by labels, keeps the hash and fails on short
 * histories, so it is not used.
 */
final class RollbackDeployment extends DeploymentMutation {
  private static final JsonNode SCHEMA =
      Schemas.namespaced(
          "Deployment",
          "\"revision\": {\"type\": \"integer\", \"minimum\": 0, \"description\":"
              + " \"Revision to roll back to; 0 or absent means the previous one\"}");

  RollbackDeployment(KubernetesClient client, ChangeRecorder recorder) {
    super(
        client,
        recorder,
        "deployment.rollback",
        "Roll a Deployment back to its previous revision, or to a named one.",
        SCHEMA);
  }

  /** The revision chosen and its template, or why there is none. */
  private record Target(long revision, PodTemplateSpec template) {}

  @Override
  public List<Permission> permissions() {
    List<Permission> needs = new ArrayList<>(super.permissions());
    needs.add(Permission.namespaced("apps", "replicasets", "list")); // its revisions
    return List.copyOf(needs);
  }

  @Override
  Planned plan(Deployment current, JsonNode arguments) {
    List<ReplicaSet> history;
    try {
      history = ReplicaSets.owned(client, current);
    } catch (KubernetesClientException e) {
      return new NotPlanned(
          KubeFailures.describe(e, "list the ReplicaSets of", describe(arguments)));
    }
    long wanted = arguments.path("revision").asLong(0);
    long currentRevision = ReplicaSets.revision(current);
    Object target = target(history, wanted, currentRevision, describe(arguments));
    if (target instanceof Refused refused) {
      return new NotPlanned(refused);
    }
    Target chosen = (Target) target;
    PodTemplateSpec now = current.getSpec().getTemplate();
    if (Objects.equals(ReplicaSets.withoutHash(now), chosen.template())) {
      return refuse(
          describe(arguments)
              + " already runs the template of revision "
              + chosen.revision()
              + "; nothing to roll back"
              + differing(history, now, currentRevision));
    }
    if (Objects.equals(now.getSpec(), chosen.template().getSpec())) {
      // Only the template's metadata differs (a restart stamps an annotation): the same images,
      // env and commands would run, so the rollback could not fix anything the pods do.
      return refuse(
          "revision "
              + chosen.revision()
              + " of "
              + describe(arguments)
              + " runs the same pods as the current revision "
              + currentRevision
              + " ("
              + imagesText(chosen)
              + "; only the template's labels or annotations differ), so rolling back would not"
              + " change what runs"
              + differing(history, now, currentRevision));
    }
    List<Change> changes =
        changes(
            ReplicaSets.withoutHash(now), chosen.template(), currentRevision, chosen.revision());
    Map<String, Object> undo = new HashMap<>(target(arguments));
    undo.put("revision", currentRevision);
    return new Intent(
        new Plan(
            "Roll back %s from revision %d to revision %d (%s)"
                .formatted(
                    describe(arguments), currentRevision, chosen.revision(), imagesText(chosen)),
            changes,
            Optional.of(new Inverse(name(), undo))),
        context -> write(current, chosen, context));
  }

  private static Object target(
      List<ReplicaSet> history, long wanted, long currentRevision, String what) {
    List<Long> revisions = history.stream().map(ReplicaSets::revision).sorted().toList();
    if (wanted == 0) {
      List<ReplicaSet> older =
          history.stream().filter(rs -> ReplicaSets.revision(rs) < currentRevision).toList();
      if (older.isEmpty()) {
        return new Refused(
            what
                + " has no earlier revision to roll back to (revisions kept: "
                + (revisions.isEmpty() ? "none" : join(revisions))
                + "; current: "
                + currentRevision
                + ")");
      }
      ReplicaSet previous = older.get(older.size() - 1);
      return new Target(
          ReplicaSets.revision(previous),
          ReplicaSets.withoutHash(previous.getSpec().getTemplate()));
    }
    return history.stream()
        .filter(rs -> ReplicaSets.revision(rs) == wanted)
        .findFirst()
        .<Object>map(rs -> new Target(wanted, ReplicaSets.withoutHash(rs.getSpec().getTemplate())))
        .orElse(
            new Refused(
                what
                    + " has no revision "
                    + wanted
                    + " (revisions kept: "
                    + (revisions.isEmpty() ? "none" : join(revisions))
                    + ")"));
  }

  /** {@code ; revisions whose pods differ: 1 (checkout=v1), 2 (checkout=v2)}, or why none. */
  private static String differing(List<ReplicaSet> history, PodTemplateSpec now, long current) {
    List<String> differ =
        history.stream()
            .filter(rs -> ReplicaSets.revision(rs) != current)
            .filter(rs -> !Objects.equals(rs.getSpec().getTemplate().getSpec(), now.getSpec()))
            .map(
                rs ->
                    ReplicaSets.revision(rs)
                        + " ("
                        + imagesText(
                            new Target(ReplicaSets.revision(rs), rs.getSpec().getTemplate()))
                        + ")")
            .toList();
    return differ.isEmpty()
        ? "; no kept revision runs different pods"
        : "; revisions whose pods differ: " + String.join(", ", differ);
  }

  private static String join(List<Long> revisions) {
    return revisions.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  private static String imagesText(Target target) {
    return ReplicaSets.images(target.template()).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /**
   * What a rollback from template {@code now} (revision {@code from}) to {@code target} changes, as
   * the card shows it: the revision, each image, what else the template changes, and the digest of
   * the whole template it writes back, so a kept revision edited after the card was posted (a
   * command, a service account) no longer matches what was approved and the check at approval
   * refuses it instead of running it.
   */
  static List<Change> changes(PodTemplateSpec now, PodTemplateSpec target, long from, long to) {
    List<Change> changes = new ArrayList<>();
    changes.add(new Change("revision", from, to));
    Map<String, String> before = ReplicaSets.images(now);
    ReplicaSets.images(target)
        .forEach(
            (container, image) -> {
              if (!image.equals(before.get(container))) {
                changes.add(
                    new Change(
                        "image of container " + container,
                        before.getOrDefault(container, "(none)"),
                        image));
              }
            });
    changes.addAll(TemplateDifferences.between(now, target));
    changes.add(
        new Change(
            "pod template", TemplateDifferences.digest(now), TemplateDifferences.digest(target)));
    return changes;
  }

  private static Patch write(Deployment current, Target chosen, ChangeContext context) {
    return writeTemplate(current, chosen.template(), context);
  }

  /**
   * {@code template} written back whole over {@code current}'s, with the provenance annotations: a
   * JSON patch guarded by resourceVersion, so if Fabric8 re-sends it after it landed the test fails
   * instead of applying twice, and the read-back reports what happened.
   */
  static Patch writeTemplate(
      io.fabric8.kubernetes.api.model.HasMetadata current,
      PodTemplateSpec template,
      ChangeContext context) {
    ArrayNode ops = JSON.createArrayNode();
    ops.addObject()
        .put("op", "test")
        .put("path", "/metadata/resourceVersion")
        .put("value", current.getMetadata().getResourceVersion());
    ops.addObject()
        .put("op", "replace")
        .put("path", "/spec/template")
        .set("value", JSON.valueToTree(template));
    if (current.getMetadata().getAnnotations() == null) {
      ops.addObject().put("op", "add").put("path", "/metadata/annotations").putObject("value");
    }
    Map<String, String> annotations = new HashMap<>(ChangeRecorder.provenance(context));
    annotations.forEach(
        (key, value) ->
            ops.addObject()
                .put("op", "add")
                .put("path", "/metadata/annotations/" + key.replace("~", "~0").replace("/", "~1"))
                .put("value", value));
    return new Patch(PatchType.JSON, ops.toString());
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
