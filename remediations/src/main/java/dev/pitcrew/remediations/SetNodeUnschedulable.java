package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code kubectl cordon} / {@code uncordon}: each is the other's inverse. */
final class SetNodeUnschedulable extends Mutation<Node> {
  private static final JsonNode SCHEMA = Schemas.object(Schemas.name("Node"), "\"name\"");

  private final boolean cordon;

  SetNodeUnschedulable(
      KubernetesClient client, ChangeRecorder recorder, boolean dryRun, boolean cordon) {
    super(client, recorder, dryRun);
    this.cordon = cordon;
  }

  @Override
  public String name() {
    return cordon ? "node.cordon" : "node.uncordon";
  }

  @Override
  public String description() {
    return cordon
        ? "Mark a node unschedulable: running pods stay, no new pods land on it."
        : "Mark a cordoned node schedulable again.";
  }

  @Override
  public JsonNode parameterSchema() {
    return SCHEMA.deepCopy();
  }

  @Override
  Resource<Node> resource(JsonNode arguments) {
    return client.nodes().withName(arguments.path("name").asText());
  }

  @Override
  String describe(JsonNode arguments) {
    return "node " + arguments.path("name").asText();
  }

  @Override
  Planned plan(Node current, JsonNode arguments) {
    boolean now = Boolean.TRUE.equals(current.getSpec().getUnschedulable());
    if (now == cordon) {
      return refuse(describe(arguments) + " is already " + (cordon ? "cordoned" : "schedulable"));
    }
    return new Intent(
        new Plan(
            (cordon ? "Cordon " : "Uncordon ") + describe(arguments),
            List.of(new Change("spec.unschedulable", now, cordon)),
            Optional.of(
                new Inverse(
                    cordon ? "node.uncordon" : "node.cordon",
                    Map.of("name", arguments.path("name").asText())))),
        mergePatch(patch -> patch.putObject("spec").put("unschedulable", cordon)));
  }

  @Override
  String done(Plan plan) {
    return plan.summary()
        .replaceFirst("^Cordon ", "Cordoned ")
        .replaceFirst("^Uncordon ", "Uncordoned ");
  }

  @Override
  String eventReason() {
    return cordon ? "PitcrewCordoned" : "PitcrewUncordoned";
  }
}
