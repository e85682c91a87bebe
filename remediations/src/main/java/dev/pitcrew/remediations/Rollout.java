package dev.pitcrew.remediations;

/** A Deployment whose rollout a change started, to be watched until it completes. */
public record Rollout(String namespace, String name) {
  @Override
  public String toString() {
    return "deployment " + namespace + "/" + name;
  }
}
