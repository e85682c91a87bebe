package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code kubectl get nodes}, with pressure conditions. */
final class ListNodes extends ReadAction {
  private static final JsonNode SCHEMA = Schemas.object("", "");

  ListNodes(KubernetesClient client, Clock clock) {
    super(
        client,
        clock,
        "nodes.list",
        "Nodes: ready or not, memory/disk/PID pressure, cordoned or not, kubelet version, age.",
        SCHEMA);
  }

  @Override
  public List<Permission> permissions() {
    return List.of(Permission.cluster("", "nodes", "list"));
  }

  @Override
  String describe(JsonNode arguments) {
    return "nodes";
  }

  @Override
  Outcome read(JsonNode arguments) {
    List<Node> nodes = client.nodes().list().getItems();
    if (nodes.isEmpty()) {
      return new Observed("no nodes", Map.of("nodes", 0));
    }
    long notReady = nodes.stream().filter(n -> !"True".equals(condition(n, "Ready"))).count();
    String lines =
        nodes.stream()
            .sorted(Comparator.comparing((Node n) -> n.getMetadata().getName()))
            .limit(MAX_ITEMS)
            .map(this::line)
            .collect(Collectors.joining("\n"));
    return new Observed(
        "%d nodes, %d not ready:\n%s%s"
            .formatted(nodes.size(), notReady, lines, more(nodes.size())),
        Map.of("nodes", nodes.size(), "notReady", notReady));
  }

  private String line(Node node) {
    String ready = condition(node, "Ready");
    String pressure =
        conditions(node).stream()
            .filter(c -> c.getType().endsWith("Pressure") && "True".equals(c.getStatus()))
            .map(NodeCondition::getType)
            .collect(Collectors.joining(", "));
    boolean cordoned =
        node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    String version =
        node.getStatus() == null || node.getStatus().getNodeInfo() == null
            ? "?"
            : node.getStatus().getNodeInfo().getKubeletVersion();
    return "%s  %s%s%s  kubelet %s  age %s"
        .formatted(
            node.getMetadata().getName(),
            "True".equals(ready) ? "Ready" : "NotReady",
            cordoned ? "  cordoned (SchedulingDisabled)" : "",
            pressure.isEmpty() ? "" : "  pressure: " + pressure,
            version,
            Ages.since(node.getMetadata().getCreationTimestamp(), clock.instant()));
  }

  private static List<NodeCondition> conditions(Node node) {
    return node.getStatus() == null || node.getStatus().getConditions() == null
        ? List.of()
        : node.getStatus().getConditions();
  }

  private static String condition(Node node, String type) {
    return conditions(node).stream()
        .filter(c -> type.equals(c.getType()))
        .map(NodeCondition::getStatus)
        .findFirst()
        .orElse("Unknown");
  }
}
