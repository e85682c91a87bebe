package dev.pitcrew.remediations;

import java.util.Map;
import java.util.Optional;

/**
 * A change was made.
 *
 * @param inverse what undoes it, read from the cluster before the change, if anything does
 * @param rollout the rollout the change started, to verify, if any
 */
public record Applied(
    String summary, Map<String, Object> data, Optional<Inverse> inverse, Optional<Rollout> rollout)
    implements Outcome {
  public Applied {
    data = Map.copyOf(data);
  }
}
