package dev.pitcrew.approvals;

/**
 * Life of an approval request. {@code PENDING -> APPROVED -> EXECUTING -> SUCCEEDED | FAILED |
 * UNKNOWN}, or {@code PENDING -> DENIED | EXPIRED}, or {@code APPROVED -> STALE}. Every move is a
 * compare-and-set.
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
  STALE;

  public boolean isFinal() {
    return this != PENDING && this != APPROVED && this != EXECUTING;
  }
}
