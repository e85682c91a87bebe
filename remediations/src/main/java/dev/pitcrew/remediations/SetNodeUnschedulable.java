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

  SetNodeUnschedulable(KubernetesClient client, ChangeRecorder recorder, boolean cordon) {
    super(
        client,
        recorder,
        cordon ? "node.cordon" : "node.uncordon",
        cordon
            ? "Mark a node unschedulable: running pods stay, no new pods land on it."
            : "Mark a cordoned node schedulable again.",
        SCHEMA);
    this.cordon = cordon;
  }

  @Override
  public List<Permission> permissions() {
    // Nodes have no namespace: their Events go to default, as kubectl's do.
    return List.of(
        Permission.cluster("", "nodes", "get", "patch"),
        new Permission(
            "", "events", java.util.Set.of("create"), Permission.Scope.DEFAULT_NAMESPACE));
  }

  @Override
  Resource<Node> resource(JsonNode arguments) {
    return client.nodes().withName(objectName(arguments));
  }

  @Override
  String describe(JsonNode arguments) {
    return "node " + objectName(arguments);
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
                    Map.of("name", objectName(arguments))))),
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

  @Override
  String state(Node node) {
    return "node "
        + node.getMetadata().getName()
        + ": spec.unschedulable "
        + Boolean.TRUE.equals(node.getSpec().getUnschedulable());
  }
}
