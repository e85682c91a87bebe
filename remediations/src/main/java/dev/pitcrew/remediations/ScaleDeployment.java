package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class ScaleDeployment extends DeploymentMutation {
  private static final JsonNode SCHEMA =
      Schemas.namespaced(
          "Deployment",
          "\"replicas\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 1000,"
              + " \"description\": \"Wanted number of replicas\"}");

  ScaleDeployment(KubernetesClient client, ChangeRecorder recorder) {
    super(
        client,
        recorder,
        "deployment.scale",
        "Set the number of replicas of one Deployment.",
        SCHEMA);
  }

  @Override
  Planned plan(Deployment current, JsonNode arguments) {
    int from = replicas(current);
    int to = arguments.path("replicas").asInt();
    if (from == to) {
      return refuse(describe(arguments) + " already has " + from + " replicas; nothing to change");
    }
    Map<String, Object> undo = new HashMap<>(target(arguments));
    undo.put("replicas", from);
    return new Intent(
        new Plan(
            "Scale %s from %d to %d replicas".formatted(describe(arguments), from, to),
            List.of(new Change("spec.replicas", from, to)),
            Optional.of(new Inverse(name(), undo))),
        mergePatch(patch -> patch.putObject("spec").put("replicas", to)));
  }

  /** An autoscaler sets this Deployment's replicas: a count set here lasts until its next sync. */
  @Override
  List<String> warnings(Deployment current, JsonNode arguments) {
    return Autoscalers.overriding(
            client, namespace(arguments), objectName(arguments), "Deployment", arguments)
        .stream()
        .toList();
  }

  @Override
  public List<Permission> permissions() {
    List<Permission> needs = new java.util.ArrayList<>(super.permissions());
    needs.add(Autoscalers.LIST);
    return List.copyOf(needs);
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
