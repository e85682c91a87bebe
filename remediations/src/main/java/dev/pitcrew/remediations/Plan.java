package dev.pitcrew.remediations;

import java.util.List;
import java.util.Optional;

/** The exact change a mutation will make, as read from the cluster now, and what would undo it. */
public record Plan(String summary, List<Change> changes, Optional<Inverse> inverse)
    implements Preview {
  public Plan {
    changes = List.copyOf(changes);
  }
}
