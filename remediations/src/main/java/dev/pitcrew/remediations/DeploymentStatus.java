package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

final class DeploymentStatus implements Remediation {
  static final String REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

  private static final JsonNode SCHEMA =
      Schemas.parse(
          """
          {"type": "object", "additionalProperties": false, "required": ["namespace", "name"],
           "properties": {%s}}
          """
              .formatted(Schemas.DEPLOYMENT_TARGET));

  private final KubernetesClient client;

  DeploymentStatus(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public String name() {
    return "deployment.status";
  }

  @Override
  public Risk risk() {
    return Risk.READ;
  }

  @Override
  public String description() {
    return "Replicas (desired, ready, updated, available), conditions, images, revision and"
        + " whether the rollout is paused, for one Deployment.";
  }

  @Override
  public JsonNode parameterSchema() {
    return SCHEMA;
  }

  @Override
  public Outcome execute(JsonNode arguments, ChangeContext context) {
    String namespace = arguments.path("namespace").asText();
    String name = arguments.path("name").asText();
    String target = "deployment " + namespace + "/" + name;
    Deployment deployment;
    try {
      deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      return KubeFailures.describe(e, "read", target);
    }
    if (deployment == null) {
      return new Refused(target + " was not found");
    }
    return describe(deployment);
  }

  private static Observed describe(Deployment deployment) {
    var spec = deployment.getSpec();
    var status = deployment.getStatus();
    int desired = spec.getReplicas() == null ? 1 : spec.getReplicas();
    int ready = status == null ? 0 : zeroIfNull(status.getReadyReplicas());
    int updated = status == null ? 0 : zeroIfNull(status.getUpdatedReplicas());
    int available = status == null ? 0 : zeroIfNull(status.getAvailableReplicas());
    String revision =
        Objects.requireNonNullElse(
            deployment.getMetadata().getAnnotations() == null
                ? null
                : deployment.getMetadata().getAnnotations().get(REVISION_ANNOTATION),
            "unknown");
    boolean paused = Boolean.TRUE.equals(spec.getPaused());
    Map<String, String> images = new LinkedHashMap<>();
    for (Container c : spec.getTemplate().getSpec().getContainers()) {
      images.put(c.getName(), c.getImage());
    }
    List<DeploymentCondition> conditions =
        status == null || status.getConditions() == null ? List.of() : status.getConditions();
    String conditionText =
        conditions.stream()
            .map(
                c ->
                    c.getType()
                        + "="
                        + c.getStatus()
                        + (c.getReason() == null ? "" : " (" + c.getReason() + ")"))
            .collect(Collectors.joining(", "));

    String summary =
        "deployment %s/%s: %d desired, %d ready, %d updated, %d available; revision %s%s; images %s%s"
            .formatted(
                deployment.getMetadata().getNamespace(),
                deployment.getMetadata().getName(),
                desired,
                ready,
                updated,
                available,
                revision,
                paused ? "; rollout PAUSED" : "",
                images.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", ")),
                conditionText.isEmpty() ? "" : "; conditions " + conditionText);

    Map<String, Object> data = new LinkedHashMap<>();
    data.put("namespace", deployment.getMetadata().getNamespace());
    data.put("name", deployment.getMetadata().getName());
    data.put("desiredReplicas", desired);
    data.put("readyReplicas", ready);
    data.put("updatedReplicas", updated);
    data.put("availableReplicas", available);
    data.put("revision", revision);
    data.put("paused", paused);
    data.put("images", images);
    data.put("conditions", conditionText);
    return new Observed(summary, data);
  }

  private static int zeroIfNull(Integer value) {
    return value == null ? 0 : value;
  }
}
