package dev.pitcrew.approvals;

/**
 * Life of an approval request. {@code PENDING -> APPROVED -> EXECUTING -> SUCCEEDED | FAILED |
 * UNKNOWN}, or {@code PENDING -> DENIED | EXPIRED | CANCELLED}, or {@code APPROVED -> STALE}. Every
 * move is a compare-and-set, and no move leaves a final state.
 */
public enum ApprovalState {
  PENDING,
  APPROVED,
  EXECUTING,
  SUCCEEDED,
  FAILED,
  /** Was executing when the bot stopped; never re-run automatically. */
  UNKNOWN,
  DENIED,
  EXPIRED,
  /**
   * The target changed after the card was shown, so the approved preview no longer holds; nothing
   * ran and a fresh proposal is needed.
   */
  STALE,
  /**
   * Withdrawn before anyone could decide: its card could not be shown (Slack kept failing), so it
   * must not wait, invisible, for a click that cannot come.
   */
  CANCELLED;

  public boolean isFinal() {
    return this != PENDING && this != APPROVED && this != EXECUTING;
  }
}
