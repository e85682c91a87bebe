package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

final class DeploymentStatus extends ReadAction {
  static final String REVISION_ANNOTATION = ReplicaSets.REVISION;
  private static final JsonNode SCHEMA = Schemas.namespaced("Deployment");

  DeploymentStatus(KubernetesClient client, Clock clock) {
    super(
        client,
        clock,
        "deployment.status",
        "Replicas (desired, ready, updated, available), conditions, images, revision,"
            + " whether the rollout is paused and when it last progressed, for one Deployment.",
        SCHEMA);
  }

  @Override
  public List<Permission> permissions() {
    return List.of(Permission.READ_DEPLOYMENT, Autoscalers.LIST);
  }

  @Override
  String describe(JsonNode arguments) {
    return "deployment " + qualified(arguments);
  }

  @Override
  Outcome read(JsonNode arguments) {
    Deployment deployment =
        client
            .apps()
            .deployments()
            .inNamespace(namespace(arguments))
            .withName(objectName(arguments))
            .get();
    if (deployment == null) {
      return new Refused(describe(arguments) + " was not found");
    }
    return describe(deployment);
  }

  private Observed describe(Deployment deployment) {
    var spec = deployment.getSpec();
    var status = deployment.getStatus();
    int desired = spec.getReplicas() == null ? 1 : spec.getReplicas();
    int ready = status == null ? 0 : zeroIfNull(status.getReadyReplicas());
    int updated = status == null ? 0 : zeroIfNull(status.getUpdatedReplicas());
    int available = status == null ? 0 : zeroIfNull(status.getAvailableReplicas());
    long revision = ReplicaSets.revision(deployment);
    boolean paused = Boolean.TRUE.equals(spec.getPaused());
    Map<String, String> images = ReplicaSets.images(spec.getTemplate());
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
    String lastProgress =
        conditions.stream()
            .filter(c -> "Progressing".equals(c.getType()) && c.getLastUpdateTime() != null)
            .map(
                c ->
                    "; rollout last progressed "
                        + Ages.since(c.getLastUpdateTime(), clock.instant())
                        + " ago")
            .findFirst()
            .orElse("");

    String summary =
        "deployment %s/%s: %d desired, %d ready, %d updated, %d available; revision %s%s;"
                .formatted(
                    deployment.getMetadata().getNamespace(),
                    deployment.getMetadata().getName(),
                    desired,
                    ready,
                    updated,
                    available,
                    revision == 0 ? "unknown" : String.valueOf(revision),
                    paused ? "; rollout PAUSED" : "")
            + " images "
            + images.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "))
            + (conditionText.isEmpty() ? "" : "; conditions " + conditionText)
            + lastProgress;
    var autoscaler =
        Autoscalers.of(
            client, deployment.getMetadata().getNamespace(), deployment.getMetadata().getName());
    if (autoscaler.isPresent()) {
      summary += "; replicas set by " + Autoscalers.describe(autoscaler.get());
    }

    Map<String, Object> data = new LinkedHashMap<>();
    data.put("desiredReplicas", desired);
    data.put("readyReplicas", ready);
    data.put("updatedReplicas", updated);
    data.put("availableReplicas", available);
    data.put("revision", revision);
    data.put("paused", paused);
    data.put("images", images);
    autoscaler.ifPresent(h -> data.put("autoscaler", h.getMetadata().getName()));
    return new Observed(summary, data);
  }

  private static int zeroIfNull(Integer value) {
    return value == null ? 0 : value;
  }
}
