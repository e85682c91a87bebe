package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code kubectl rollout history}, with images and ages. */
final class RolloutHistory extends ReadAction {
  private static final JsonNode SCHEMA = Schemas.namespaced("Deployment");

  RolloutHistory(KubernetesClient client, Clock clock) {
    super(
        client,
        clock,
        "deployment.history",
        "A Deployment's revisions: images, change-cause, age and replicas of each.",
        SCHEMA);
  }

  @Override
  public List<Permission> permissions() {
    return List.of(
        Permission.READ_DEPLOYMENT, Permission.namespaced("apps", "replicasets", "list"));
  }

  @Override
  String describe(JsonNode arguments) {
    return "the history of deployment " + qualified(arguments);
  }

  @Override
  Outcome read(JsonNode arguments) {
    String namespace = namespace(arguments);
    String name = objectName(arguments);
    Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
    if (deployment == null) {
      return new Refused("deployment " + namespace + "/" + name + " was not found");
    }
    long current = ReplicaSets.revision(deployment);
    List<ReplicaSet> history = ReplicaSets.owned(client, deployment);
    if (history.isEmpty()) {
      return new Observed(
          "deployment " + namespace + "/" + name + " has no ReplicaSets yet",
          Map.of("revisions", 0));
    }
    String lines =
        history.stream()
            .map(
                rs -> {
                  long revision = ReplicaSets.revision(rs);
                  Map<String, String> annotations = rs.getMetadata().getAnnotations();
                  String cause =
                      annotations == null ? null : annotations.get(ReplicaSets.CHANGE_CAUSE);
                  int replicas =
                      rs.getStatus() == null || rs.getStatus().getReplicas() == null
                          ? 0
                          : rs.getStatus().getReplicas();
                  return "revision %d%s: %s; %d pods; created %s ago%s"
                      .formatted(
                          revision,
                          revision == current ? " (current)" : "",
                          ReplicaSets.images(rs.getSpec().getTemplate()).entrySet().stream()
                              .map(e -> e.getKey() + "=" + e.getValue())
                              .collect(Collectors.joining(", ")),
                          replicas,
                          Ages.since(rs.getMetadata().getCreationTimestamp(), clock.instant()),
                          cause == null ? "" : "; change-cause: " + cause);
                })
            .collect(Collectors.joining("\n"));
    return new Observed(
        "deployment %s/%s, %d revisions kept:\n%s"
            .formatted(namespace, name, history.size(), lines),
        Map.of("revisions", history.size(), "current", current));
  }
}
