package dev.pitcrew.approvals;

/**
 * How running an approved change went, as far as the approvals module needs to know.
 *
 * @param outcome whether it happened; {@link Result#UNKNOWN} when the API server may or may not
 *     have applied it (a write that timed out), which is never reported as done or failed by guess
 * @param summary what happened, for people
 * @param inverse what would undo the change, or null
 */
public record Execution(Result outcome, String summary, Reversal inverse) {

  /** Whether the change happened. */
  public enum Result {
    SUCCEEDED,
    FAILED,
    UNKNOWN
  }

  public Execution(boolean succeeded, String summary, Reversal inverse) {
    this(succeeded ? Result.SUCCEEDED : Result.FAILED, summary, inverse);
  }

  public Execution(boolean succeeded, String summary) {
    this(succeeded, summary, null);
  }

  public boolean succeeded() {
    return outcome == Result.SUCCEEDED;
  }
}
