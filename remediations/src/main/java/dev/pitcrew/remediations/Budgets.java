package dev.pitcrew.remediations;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The PodDisruptionBudgets that cover a pod: what an eviction must respect. The API server decides
 * every eviction itself; these are read so a card can say, before anyone approves, which budget
 * would refuse it.
 */
final class Budgets {
  static final Permission LIST = Permission.namespaced("policy", "poddisruptionbudgets", "list");

  private Budgets() {}

  /** Every budget of {@code namespace}, or none if they cannot be read (the eviction still is). */
  static List<PodDisruptionBudget> in(KubernetesClient client, String namespace) {
    try {
      return client.policy().v1().podDisruptionBudget().inNamespace(namespace).list().getItems();
    } catch (KubernetesClientException e) {
      return List.of();
    }
  }

  /** Those of {@code budgets} whose selector matches {@code pod}. */
  static List<PodDisruptionBudget> covering(List<PodDisruptionBudget> budgets, Pod pod) {
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    return budgets.stream()
        .filter(b -> pod.getMetadata().getNamespace().equals(b.getMetadata().getNamespace()))
        .filter(b -> b.getSpec() != null && matches(b.getSpec().getSelector(), labels))
        .toList();
  }

  /** The first of {@code covering} that allows no disruption now, as its status says. */
  static Optional<PodDisruptionBudget> blocking(List<PodDisruptionBudget> covering) {
    return covering.stream()
        .filter(
            b ->
                b.getStatus() != null
                    && b.getStatus().getDisruptionsAllowed() != null
                    && b.getStatus().getDisruptionsAllowed() <= 0)
        .findFirst();
  }

  /**
   * {@code PodDisruptionBudget shop/orders-db (minAvailable 2; 2 of 3 healthy, 0 disruptions
   * allowed)}.
   */
  static String describe(PodDisruptionBudget budget) {
    PodDisruptionBudgetSpec spec = budget.getSpec();
    String rule =
        spec.getMinAvailable() != null
            ? "minAvailable " + text(spec.getMinAvailable())
            : spec.getMaxUnavailable() != null
                ? "maxUnavailable " + text(spec.getMaxUnavailable())
                : "no rule";
    var status = budget.getStatus();
    String now =
        status == null || status.getDisruptionsAllowed() == null
            ? ""
            : "; %s of %s healthy, %d disruption%s allowed"
                .formatted(
                    status.getCurrentHealthy(),
                    status.getExpectedPods(),
                    status.getDisruptionsAllowed(),
                    status.getDisruptionsAllowed() == 1 ? "" : "s");
    return "PodDisruptionBudget %s/%s (%s%s)"
        .formatted(budget.getMetadata().getNamespace(), budget.getMetadata().getName(), rule, now);
  }

  private static String text(io.fabric8.kubernetes.api.model.IntOrString value) {
    return value.getIntVal() != null ? String.valueOf(value.getIntVal()) : value.getStrVal();
  }

  /** A policy/v1 selector: empty matches every pod of the namespace, none matches none. */
  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    if (selector.getMatchLabels() != null) {
      for (var e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean ok =
            switch (r.getOperator()) {
              case "In" -> value != null && values.contains(value);
              case "NotIn" -> value == null || !values.contains(value);
              case "Exists" -> value != null;
              case "DoesNotExist" -> value == null;
              default -> false;
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }
}
