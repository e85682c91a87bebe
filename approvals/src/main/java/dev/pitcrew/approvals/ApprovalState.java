package dev.pitcrew.approvals;

/**
 * Life of an approval request. {@code PENDING -> APPROVED -> EXECUTING -> SUCCEEDED | FAILED |
 * UNKNOWN}, or {@code PENDING -> DENIED | EXPIRED}. Every move is a compare-and-set.
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
  EXPIRED;

  public boolean isFinal() {
    return this == SUCCEEDED
        || this == FAILED
        || this == UNKNOWN
        || this == DENIED
        || this == EXPIRED;
  }
}
