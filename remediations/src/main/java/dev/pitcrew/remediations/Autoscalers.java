package dev.pitcrew.remediations;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import java.util.stream.Collectors;

/** The HorizontalPodAutoscaler that sets a workload's replicas, if one does. */
final class Autoscalers {
  static final Permission LIST =
      Permission.namespaced("autoscaling", "horizontalpodautoscalers", "list");

  private Autoscalers() {}

  /**
   * The autoscaler targeting Deployment {@code namespace/name}; empty if none does, or if it cannot
   * be read (then nothing is said, rather than something wrong).
   */
  static Optional<HorizontalPodAutoscaler> of(
      KubernetesClient client, String namespace, String name) {
    return of(client, namespace, name, "Deployment");
  }

  /** The autoscaler targeting the {@code kind} {@code namespace/name}, if one does. */
  static Optional<HorizontalPodAutoscaler> of(
      KubernetesClient client, String namespace, String name, String kind) {
    try {
      return client
          .autoscaling()
          .v2()
          .horizontalPodAutoscalers()
          .inNamespace(namespace)
          .list()
          .getItems()
          .stream()
          .filter(
              h ->
                  h.getSpec() != null
                      && h.getSpec().getScaleTargetRef() != null
                      && kind.equals(h.getSpec().getScaleTargetRef().getKind())
                      && name.equals(h.getSpec().getScaleTargetRef().getName()))
          .findFirst();
    } catch (KubernetesClientException e) {
      return Optional.empty();
    }
  }

  /** The warning for a scale of a {@code kind} an autoscaler sets the replicas of, if one does. */
  static Optional<String> overriding(
      KubernetesClient client,
      String namespace,
      String name,
      String kind,
      com.fasterxml.jackson.databind.JsonNode arguments) {
    return of(client, namespace, name, kind)
        .map(
            hpa ->
                describe(hpa)
                    + " sets this "
                    + kind
                    + "'s replicas and will override "
                    + arguments.path("replicas").asInt()
                    + " within seconds; change the autoscaler's minReplicas or maxReplicas"
                    + " instead");
  }

  /**
   * {@code HorizontalPodAutoscaler shop/checkout (min 2, max 10, current 3; targets cpu 80%; now
   * cpu 95%; ScalingLimited (TooManyReplicas))}.
   */
  static String describe(HorizontalPodAutoscaler hpa) {
    var spec = hpa.getSpec();
    var status = hpa.getStatus();
    String targets =
        spec.getMetrics() == null
            ? ""
            : spec.getMetrics().stream()
                .map(Autoscalers::target)
                .filter(t -> !t.isEmpty())
                .collect(Collectors.joining(", "));
    String now =
        status == null || status.getCurrentMetrics() == null
            ? ""
            : status.getCurrentMetrics().stream()
                .filter(m -> m.getResource() != null && m.getResource().getCurrent() != null)
                .map(
                    m ->
                        m.getResource().getName()
                            + " "
                            + (m.getResource().getCurrent().getAverageUtilization() != null
                                ? m.getResource().getCurrent().getAverageUtilization() + "%"
                                : String.valueOf(m.getResource().getCurrent().getAverageValue())))
                .collect(Collectors.joining(", "));
    String limited =
        status == null || status.getConditions() == null
            ? ""
            : status.getConditions().stream()
                .filter(c -> "ScalingLimited".equals(c.getType()) && "True".equals(c.getStatus()))
                .map(c -> "; ScalingLimited (" + c.getReason() + ")")
                .findFirst()
                .orElse("");
    return "HorizontalPodAutoscaler %s/%s (min %s, max %d%s%s%s%s)"
        .formatted(
            hpa.getMetadata().getNamespace(),
            hpa.getMetadata().getName(),
            spec.getMinReplicas() == null ? "1" : String.valueOf(spec.getMinReplicas()),
            spec.getMaxReplicas(),
            status == null || status.getCurrentReplicas() == null
                ? ""
                : ", current " + status.getCurrentReplicas(),
            targets.isEmpty() ? "" : "; targets " + targets,
            now.isEmpty() ? "" : "; now " + now,
            limited);
  }

  private static String target(MetricSpec metric) {
    if (metric.getResource() != null && metric.getResource().getTarget() != null) {
      var target = metric.getResource().getTarget();
      return metric.getResource().getName()
          + " "
          + (target.getAverageUtilization() != null
              ? target.getAverageUtilization() + "%"
              : String.valueOf(target.getAverageValue()));
    }
    return metric.getType() == null ? "" : metric.getType();
  }
}
