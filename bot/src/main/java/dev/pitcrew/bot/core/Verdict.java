package dev.pitcrew.bot.core;

import dev.pitcrew.approvals.ApprovalState;

/**
 * The words for where a request stands, written once: card titles, thread messages and the shell
 * all say "Failed", never "Not done" in one place and "Error" in another.
 */
public enum Verdict {
  WAITING("Approval needed"),
  RUNNING("Approved, running"),
  DONE("Done"),
  FAILED("Failed"),
  UNKNOWN("Outcome unknown"),
  DENIED("Denied"),
  EXPIRED("Expired"),
  NOT_RUN("Not run"),
  CANCELLED("Cancelled"),
  NOT_PROPOSED("Not proposed"),
  VERIFIED("Verified"),
  NOT_VERIFIED("Not verified");

  private final String label;

  Verdict(String label) {
    this.label = label;
  }

  /** The word alone: "Failed". */
  public String label() {
    return label;
  }

  /** A line led by the word: "Failed: " + {@code text}. */
  public String lead(String text) {
    return label + ": " + text;
  }

  public static Verdict of(ApprovalState state) {
    return switch (state) {
      case PENDING -> WAITING;
      case APPROVED, EXECUTING -> RUNNING;
      case SUCCEEDED -> DONE;
      case FAILED -> FAILED;
      case UNKNOWN -> UNKNOWN;
      case DENIED -> DENIED;
      case EXPIRED -> EXPIRED;
      case STALE -> NOT_RUN;
      case CANCELLED -> CANCELLED;
    };
  }

  /**
   * Whether the request's thread gets its own message when it reaches {@code state} (besides the
   * redrawn card). A surface that shows cards and threads in one stream, like a terminal, prints
   * the card's update only for the states the thread does not tell, so each outcome shows once.
   */
  public static boolean toldInThread(ApprovalState state) {
    return switch (state) {
      case SUCCEEDED, FAILED, UNKNOWN, DENIED, STALE, CANCELLED -> true;
      case PENDING, APPROVED, EXECUTING, EXPIRED -> false;
    };
  }
}
