package dev.pitcrew.remediations;

/**
 * A workload whose rollout a change started, to be watched until it completes.
 *
 * @param kind {@code Deployment}, {@code StatefulSet} or {@code DaemonSet}
 */
public record Rollout(String kind, String namespace, String name) {
  /** A Deployment's rollout. */
  public Rollout(String namespace, String name) {
    this("Deployment", namespace, name);
  }

  @Override
  public String toString() {
    return kind.toLowerCase(java.util.Locale.ROOT) + " " + namespace + "/" + name;
  }
}
