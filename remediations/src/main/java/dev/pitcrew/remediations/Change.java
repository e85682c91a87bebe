package dev.pitcrew.remediations;

/** One field a mutation changes, from its current value to the new one. */
public record Change(String field, Object from, Object to) {
  @Override
  public String toString() {
    return field + ": " + from + " -> " + to;
  }
}
