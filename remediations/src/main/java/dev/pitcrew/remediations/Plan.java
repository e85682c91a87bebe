package dev.pitcrew.remediations;

import java.util.List;
import java.util.Map;

/**
 * The exact change a mutation will make, as read from the cluster now, and the arguments that would
 * undo it.
 */
public record Plan(String summary, List<Change> changes, Map<String, Object> inverse)
    implements Preview {
  public Plan {
    changes = List.copyOf(changes);
    inverse = Map.copyOf(inverse);
  }
}
