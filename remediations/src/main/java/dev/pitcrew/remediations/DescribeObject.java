package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * One object of an allow-listed kind as YAML, the way {@code kubectl get -o yaml} shows it without
 * managed fields: for the details the summaries leave out (probes, resources, env sources, volume
 * claims). Never Secrets, nor ConfigMaps (where configuration and too often credentials live): the
 * kinds are a fixed list, and nothing else can be named.
 */
final class DescribeObject extends ReadAction {
  /** Kind to its API group and resource, for RBAC. */
  static final Map<String, String[]> KINDS =
      Map.of(
          "Deployment", new String[] {"apps", "deployments"},
          "ReplicaSet", new String[] {"apps", "replicasets"},
          "StatefulSet", new String[] {"apps", "statefulsets"},
          "DaemonSet", new String[] {"apps", "daemonsets"},
          "Pod", new String[] {"", "pods"},
          "Service", new String[] {"", "services"},
          "PersistentVolumeClaim", new String[] {"", "persistentvolumeclaims"},
          "HorizontalPodAutoscaler", new String[] {"autoscaling", "horizontalpodautoscalers"},
          "PodDisruptionBudget", new String[] {"policy", "poddisruptionbudgets"});

  private static final JsonNode SCHEMA =
      Schemas.object(
          "\"namespace\": {\"type\": \"string\", \"pattern\": \"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$\","
              + " \"maxLength\": 63, \"description\": \"Namespace of the object\"},"
              + " \"kind\": {\"type\": \"string\", \"enum\": [\"Deployment\", \"ReplicaSet\","
              + " \"StatefulSet\", \"DaemonSet\", \"Pod\", \"Service\", \"PersistentVolumeClaim\","
              + " \"HorizontalPodAutoscaler\", \"PodDisruptionBudget\"],"
              + " \"description\": \"Kind of the object\"},"
              + " \"name\": {\"type\": \"string\", \"pattern\":"
              + " \"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$\", \"maxLength\": 253,"
              + " \"description\": \"Name of the object\"}",
          "\"namespace\", \"kind\", \"name\"");

  private final Masking masking;

  DescribeObject(KubernetesClient client, Clock clock, Masking masking) {
    super(
        client,
        clock,
        "object.describe",
        "One Deployment, ReplicaSet, StatefulSet, DaemonSet, Pod, Service,"
            + " PersistentVolumeClaim, HorizontalPodAutoscaler or PodDisruptionBudget as YAML (spec"
            + " and status, no managed fields). Never Secrets or ConfigMaps.",
        SCHEMA);
    this.masking = masking;
  }

  @Override
  public List<Permission> permissions() {
    return KINDS.values().stream()
        .map(k -> Permission.namespaced(k[0], k[1], "get"))
        .sorted(java.util.Comparator.comparing(Permission::toString))
        .toList();
  }

  @Override
  String describe(JsonNode arguments) {
    return arguments.path("kind").asText().toLowerCase(java.util.Locale.ROOT)
        + " "
        + qualified(arguments);
  }

  @Override
  Outcome read(JsonNode arguments) {
    String namespace = namespace(arguments);
    String name = objectName(arguments);
    HasMetadata object =
        switch (arguments.path("kind").asText()) {
          case "Deployment" ->
              client.apps().deployments().inNamespace(namespace).withName(name).get();
          case "ReplicaSet" ->
              client.apps().replicaSets().inNamespace(namespace).withName(name).get();
          case "StatefulSet" ->
              client.apps().statefulSets().inNamespace(namespace).withName(name).get();
          case "DaemonSet" ->
              client.apps().daemonSets().inNamespace(namespace).withName(name).get();
          case "HorizontalPodAutoscaler" ->
              client
                  .autoscaling()
                  .v2()
                  .horizontalPodAutoscalers()
                  .inNamespace(namespace)
                  .withName(name)
                  .get();
          case "PodDisruptionBudget" ->
              client
                  .policy()
                  .v1()
                  .podDisruptionBudget()
                  .inNamespace(namespace)
                  .withName(name)
                  .get();
          case "Pod" -> client.pods().inNamespace(namespace).withName(name).get();
          case "Service" -> client.services().inNamespace(namespace).withName(name).get();
          case "PersistentVolumeClaim" ->
              client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
          default -> null; // the schema's enum lets nothing else through
        };
    if (object == null) {
      return new Refused(describe(arguments) + " was not found");
    }
    object.getMetadata().setManagedFields(null);
    if (object.getMetadata().getAnnotations() != null) {
      object
          .getMetadata()
          .getAnnotations()
          .remove("kubectl.kubernetes.io/last-applied-configuration");
    }
    JsonNode tree = client.getKubernetesSerialization().convertValue(object, JsonNode.class);
    maskEnv(tree);
    return new Observed(
        describe(arguments) + ":\n" + client.getKubernetesSerialization().asYaml(tree),
        Map.of("kind", arguments.path("kind").asText()));
  }

  /**
   * Masks the {@code value} of every env entry ({@code name} and {@code value}, in any container of
   * any kind) whose name looks secret. As YAML the name and the value stand on two lines, where no
   * rule on text can pair them; other variables stay, since the model needs {@code LOG_LEVEL}.
   */
  private void maskEnv(JsonNode node) {
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object
        && object.path("name").isTextual()
        && object.path("value").isTextual()) {
      masking
          .maskedValueOf(object.path("name").asText())
          .ifPresent(marker -> object.put("value", marker));
    }
    node.forEach(this::maskEnv);
  }
}
