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

  /** 60 requests and 200,000 model tokens per person per hour. */
  public static UsageLimits defaults() {
    return new UsageLimits(60, 200_000);
  }
}
