package dev.pitcrew.approvals;

/**
 * How much one person may use Pitcrew in an hour (the policy file's {@code limits}): requests of
 * any kind, and the model's tokens spent on their questions, so that one person cannot fill the
 * audit feed or spend everyone's model budget.
 */
public record UsageLimits(int asksPerHour, long tokensPerHour) {
  public UsageLimits {
    if (asksPerHour < 1 || tokensPerHour < 1) {
      throw new IllegalArgumentException("limits must be at least 1");
    }
  }

  /**
   * 120 requests and 1,000,000 model tokens per person per hour: an incident's worth of follow-ups
   * at the per-question budget (60,000 tokens), not a flood.
   */
  public static UsageLimits defaults() {
    return new UsageLimits(120, 1_000_000);
  }
}
