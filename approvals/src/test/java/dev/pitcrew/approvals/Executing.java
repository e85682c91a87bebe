package dev.pitcrew.approvals;

import java.util.Optional;
import java.util.function.Function;

/**
 * Claim, run, finish: the bot's way of running an approved change ({@code Changes}), for tests of
 * the state machine that need a change without a cluster.
 */
public final class Executing {
  private Executing() {}

  /**
   * @return the request as it ended; empty if it could not be claimed
   */
  public static Optional<ApprovalRequest> run(
      Approvals approvals, ApprovalRequest approved, Function<ApprovalRequest, Execution> change) {
    Optional<ApprovalRequest> claimed = approvals.claim(approved);
    if (claimed.isEmpty() || claimed.get().state() != ApprovalState.EXECUTING) {
      return claimed;
    }
    Execution execution;
    try {
      execution = change.apply(claimed.get());
    } catch (RuntimeException e) {
      execution = new Execution(false, "the change failed unexpectedly: " + e);
    }
    return Optional.of(approvals.finish(claimed.get(), execution));
  }
}
