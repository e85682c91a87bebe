package dev.pitcrew.remediations;

import java.util.Map;

/** A read-only action looked at the cluster. */
public record Observed(String summary, Map<String, Object> data) implements Outcome {
  public Observed {
    data = Map.copyOf(data);
  }
}
