package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A change to one Deployment named by {@code namespace} and {@code name}. */
abstract class DeploymentMutation extends Mutation<Deployment> {

  DeploymentMutation(
      KubernetesClient client,
      ChangeRecorder recorder,
      String name,
      String description,
      JsonNode schema) {
    super(client, recorder, name, description, schema);
  }

  @Override
  Resource<Deployment> resource(JsonNode arguments) {
    return client
        .apps()
        .deployments()
        .inNamespace(namespace(arguments))
        .withName(objectName(arguments));
  }

  @Override
  String describe(JsonNode arguments) {
    return "deployment " + qualified(arguments);
  }

  @Override
  public List<Permission> permissions() {
    // Read-then-patch, an Event, and, if it rolls out, the watch that reads its pods.
    List<Permission> needs =
        new ArrayList<>(
            List.of(
                Permission.namespaced("apps", "deployments", "get", "patch"),
                Permission.namespaced("", "events", "create")));
    if (startsRollout()) {
      needs.add(Permission.LIST_PODS);
    }
    return List.copyOf(needs);
  }

  /** Whether this change makes the Deployment roll out, so it is watched afterwards. */
  boolean startsRollout() {
    return true;
  }

  @Override
  final Optional<Rollout> rollout(JsonNode arguments) {
    return startsRollout()
        ? Optional.of(new Rollout(namespace(arguments), objectName(arguments)))
        : Optional.empty();
  }

  static Map<String, Object> target(JsonNode arguments) {
    return Map.of("namespace", namespace(arguments), "name", objectName(arguments));
  }

  @Override
  String state(Deployment d) {
    var status = d.getStatus();
    int ready = status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
    return "deployment %s/%s: spec.replicas %d, %d ready, revision %d, paused %s, images %s"
        .formatted(
            d.getMetadata().getNamespace(),
            d.getMetadata().getName(),
            replicas(d),
            ready,
            ReplicaSets.revision(d),
            paused(d),
            ReplicaSets.images(d.getSpec().getTemplate()));
  }

  static int replicas(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  static boolean paused(Deployment d) {
    return Boolean.TRUE.equals(d.getSpec().getPaused());
  }
}
