package dev.pitcrew.remediations;

import java.util.Map;

/**
 * A change was made. {@code inverse} holds the arguments that undo it with the same action, read
 * back from the cluster before the change.
 */
public record Applied(String summary, Map<String, Object> data, Map<String, Object> inverse)
    implements Outcome {
  public Applied {
    data = Map.copyOf(data);
    inverse = Map.copyOf(inverse);
  }
}
