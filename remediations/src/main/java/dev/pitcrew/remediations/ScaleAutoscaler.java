package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sets a HorizontalPodAutoscaler's {@code minReplicas} and {@code maxReplicas}: the way to change
 * the size of a Deployment an autoscaler manages, since a count set on the Deployment lasts only
 * until the autoscaler's next sync.
 */
final class ScaleAutoscaler extends Mutation<HorizontalPodAutoscaler> {
  private static final String BOUND =
      "{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 1000, \"description\": \"%s\"}";
  private static final JsonNode SCHEMA =
      Schemas.namespaced(
          "HorizontalPodAutoscaler",
          "\"minReplicas\": " + BOUND.formatted("Lowest number of replicas it may set"),
          "\"maxReplicas\": " + BOUND.formatted("Highest number of replicas it may set"));

  ScaleAutoscaler(KubernetesClient client, ChangeRecorder recorder) {
    super(
        client,
        recorder,
        "autoscaler.scale",
        "Set the minReplicas and/or maxReplicas of one HorizontalPodAutoscaler.",
        SCHEMA);
  }

  @Override
  public List<Permission> permissions() {
    return List.of(
        Permission.namespaced("autoscaling", "horizontalpodautoscalers", "get", "patch"),
        Permission.namespaced("", "events", "create"));
  }

  @Override
  Resource<HorizontalPodAutoscaler> resource(JsonNode arguments) {
    return client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(namespace(arguments))
        .withName(objectName(arguments));
  }

  @Override
  String describe(JsonNode arguments) {
    return "HorizontalPodAutoscaler " + qualified(arguments);
  }

  @Override
  Planned plan(HorizontalPodAutoscaler current, JsonNode arguments) {
    if (!arguments.has("minReplicas") && !arguments.has("maxReplicas")) {
      return refuse("say minReplicas, maxReplicas or both for " + describe(arguments));
    }
    int fromMin = min(current);
    int fromMax = current.getSpec().getMaxReplicas();
    int toMin = arguments.path("minReplicas").asInt(fromMin);
    int toMax = arguments.path("maxReplicas").asInt(fromMax);
    if (toMin > toMax) {
      return refuse(
          "minReplicas %d would be above maxReplicas %d for %s"
              .formatted(toMin, toMax, describe(arguments)));
    }
    List<Change> changes = new ArrayList<>();
    if (toMin != fromMin) {
      changes.add(new Change("spec.minReplicas", fromMin, toMin));
    }
    if (toMax != fromMax) {
      changes.add(new Change("spec.maxReplicas", fromMax, toMax));
    }
    if (changes.isEmpty()) {
      return refuse(
          "%s already has minReplicas %d and maxReplicas %d; nothing to change"
              .formatted(describe(arguments), fromMin, fromMax));
    }
    Map<String, Object> undo = new LinkedHashMap<>();
    undo.put("namespace", namespace(arguments));
    undo.put("name", objectName(arguments));
    undo.put("minReplicas", fromMin);
    undo.put("maxReplicas", fromMax);
    return new Intent(
        new Plan(
            "Set %s to min %d, max %d replicas (was min %d, max %d)"
                .formatted(describe(arguments), toMin, toMax, fromMin, fromMax),
            changes,
            Optional.of(new Inverse(name(), undo))),
        mergePatch(
            patch -> patch.putObject("spec").put("minReplicas", toMin).put("maxReplicas", toMax)));
  }

  /** What the new bounds do at once to the workload it scales. */
  @Override
  List<String> warnings(HorizontalPodAutoscaler current, JsonNode arguments) {
    var status = current.getStatus();
    if (status == null || status.getCurrentReplicas() == null) {
      return List.of();
    }
    int now = status.getCurrentReplicas();
    int toMin = arguments.path("minReplicas").asInt(min(current));
    int toMax = arguments.path("maxReplicas").asInt(current.getSpec().getMaxReplicas());
    String target =
        current.getSpec().getScaleTargetRef().getKind()
            + " "
            + current.getSpec().getScaleTargetRef().getName();
    if (now > toMax) {
      return List.of(
          "%s runs %d replicas now: the autoscaler will scale it down to %d at once"
              .formatted(target, now, toMax));
    }
    if (now < toMin) {
      return List.of(
          "%s runs %d replicas now: the autoscaler will scale it up to %d at once"
              .formatted(target, now, toMin));
    }
    return List.of();
  }

  @Override
  String done(Plan plan) {
    return plan.summary(); // "Set ..." reads as done too
  }

  @Override
  String eventReason() {
    return "PitcrewAutoscalerScaled";
  }

  @Override
  String state(HorizontalPodAutoscaler hpa) {
    return Autoscalers.describe(hpa);
  }

  private static int min(HorizontalPodAutoscaler hpa) {
    return hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
  }
}
