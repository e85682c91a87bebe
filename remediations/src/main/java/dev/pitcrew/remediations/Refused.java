package dev.pitcrew.remediations;

/**
 * The action declined to act: the target is missing, already in the wanted state, or off limits.
 *
 * @param overLimits whether the call asked for more than its runbook allows (a protected or
 *     unlisted namespace, too large a step): the attempt itself is worth auditing
 */
public record Refused(String reason, boolean overLimits) implements Outcome, Preview {
  public Refused(String reason) {
    this(reason, false);
  }

  /** A refusal because the call is outside its runbook's limits. */
  public static Refused overLimits(String reason) {
    return new Refused(reason, true);
  }

  @Override
  public String summary() {
    return "Refused: " + reason;
  }
}
