package dev.pitcrew.remediations;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import java.util.Optional;

/**
 * Whether Argo CD or Flux manages an object, by the marks they leave on it, so a change can say
 * that the next sync may revert it. Argo CD's default label ({@code app.kubernetes.io/instance}) is
 * not taken as a mark: Helm charts set it too.
 */
final class GitOps {
  private GitOps() {}

  /** The warning for a change to {@code object}, if a GitOps tool manages it. */
  static Optional<String> warning(HasMetadata object) {
    return tool(object)
        .map(
            t ->
                t
                    + " manages this object: its next sync may revert this change; fix it in Git"
                    + " too, or suspend the sync first");
  }

  /** {@code Flux manages this object}, for a refusal; call only when {@link #warning} has one. */
  static String refusal(HasMetadata object) {
    return tool(object).orElseThrow() + " manages it";
  }

  private static Optional<String> tool(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    Optional<String> tool = Optional.empty();
    if ((annotations != null
            && annotations.keySet().stream().anyMatch(k -> k.startsWith("argocd.argoproj.io/")))
        || (labels != null && labels.containsKey("argocd.argoproj.io/instance"))) {
      tool = Optional.of("Argo CD");
    } else if (labels != null
        && (labels.containsKey("kustomize.toolkit.fluxcd.io/name")
            || labels.containsKey("helm.toolkit.fluxcd.io/name"))) {
      tool = Optional.of("Flux");
    }
    return tool;
  }
}
