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
    List<Permission> needs =
        new java.util.ArrayList<>(
            List.of(
                Permission.cluster("", "nodes", "get", "patch"),
                new Permission(
                    "", "events", java.util.Set.of("create"), Permission.Scope.DEFAULT_NAMESPACE)));
    if (cordon) {
      // What runs on the node and which budgets hold it, for the card. Listed across namespaces,
      // which only a cluster-wide grant allows; with Roles per namespace the card goes without.
      needs.add(Permission.LIST_PODS);
      needs.add(Budgets.LIST);
    }
    return List.copyOf(needs);
  }

  /**
   * How many pods run on the node and whether a budget would hold up moving them: cordoning moves
   * nothing, but it is the first step of a drain. Said only if the pods of every namespace can be
   * listed (a cluster-wide grant).
   */
  @Override
  List<String> warnings(Node current, JsonNode arguments) {
    if (!cordon) {
      return List.of();
    }
    String node = objectName(arguments);
    List<io.fabric8.kubernetes.api.model.Pod> pods;
    List<io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget> budgets;
    try {
      pods =
          client.pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems().stream()
              .filter(p -> node.equals(Pods.node(p)))
              .toList();
      budgets = client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      return List.of();
    }
    if (pods.isEmpty()) {
      return List.of();
    }
    long daemons = pods.stream().filter(Pods::daemon).count();
    List<String> blocking =
        pods.stream()
            .flatMap(p -> Budgets.blocking(Budgets.covering(budgets, p)).stream())
            .map(Budgets::describe)
            .distinct()
            .toList();
    return List.of(
        "%d pod%s run%s on %s (%d of them DaemonSet pods); cordoning moves none of them%s"
            .formatted(
                pods.size(),
                pods.size() == 1 ? "" : "s",
                pods.size() == 1 ? "s" : "",
                node,
                daemons,
                blocking.isEmpty()
                    ? ""
                    : "; "
                        + String.join(", ", blocking)
                        + (blocking.size() == 1 ? " allows" : " allow")
                        + " no disruption now"));
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
