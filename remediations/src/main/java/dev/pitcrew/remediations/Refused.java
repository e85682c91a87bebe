package dev.pitcrew.remediations;

/**
 * The action declined to act: the target is missing, already in the wanted state, or off limits.
 */
public record Refused(String reason) implements Outcome, Preview {
  @Override
  public String summary() {
    return "Refused: " + reason;
  }
}
