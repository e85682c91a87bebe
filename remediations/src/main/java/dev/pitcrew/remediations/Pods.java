package dev.pitcrew.remediations;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;

/** Facts about a pod, read the way kubectl get pods shows them. */
final class Pods {
  private Pods() {}

  static List<ContainerStatus> statuses(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
        ? List.of()
        : pod.getStatus().getContainerStatuses();
  }

  static int restarts(Pod pod) {
    return statuses(pod).stream()
        .mapToInt(s -> s.getRestartCount() == null ? 0 : s.getRestartCount())
        .sum();
  }

  static String ready(Pod pod) {
    long ready = statuses(pod).stream().filter(s -> Boolean.TRUE.equals(s.getReady())).count();
    int total = pod.getSpec() == null ? statuses(pod).size() : pod.getSpec().getContainers().size();
    return ready + "/" + total;
  }

  static String phase(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return "Terminating";
    }
    return pod.getStatus() == null || pod.getStatus().getPhase() == null
        ? "Unknown"
        : pod.getStatus().getPhase();
  }

  /** Why a container is waiting now (CrashLoopBackOff, ImagePullBackOff...), if one is. */
  static Optional<String> waiting(Pod pod) {
    return statuses(pod).stream()
        .filter(s -> s.getState() != null && s.getState().getWaiting() != null)
        .map(s -> s.getState().getWaiting().getReason())
        .filter(r -> r != null && !r.isEmpty())
        .findFirst();
  }

  /** How the last container run ended (OOMKilled, Error...), if any did. */
  static Optional<String> lastTermination(Pod pod) {
    return statuses(pod).stream()
        .filter(s -> s.getLastState() != null && s.getLastState().getTerminated() != null)
        .map(
            s -> {
              var t = s.getLastState().getTerminated();
              return t.getReason()
                  + (t.getExitCode() == null ? "" : " (exit " + t.getExitCode() + ")");
            })
        .findFirst();
  }

  static Optional<OwnerReference> controller(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    return owners == null
        ? Optional.empty()
        : owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst();
  }

  static String node(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getNodeName() == null
        ? "(unscheduled)"
        : pod.getSpec().getNodeName();
  }

  /** A static pod's mirror: the kubelet runs it from a file; the API server only shows it. */
  static boolean mirror(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey("kubernetes.io/config.mirror");
  }

  /** Whether a DaemonSet runs this pod: it belongs to its node, and a drain leaves it. */
  static boolean daemon(Pod pod) {
    return controller(pod).map(o -> "DaemonSet".equals(o.getKind())).orElse(false);
  }
}
