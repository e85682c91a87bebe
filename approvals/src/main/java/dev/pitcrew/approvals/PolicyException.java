package dev.pitcrew.approvals;

/** The policy file cannot be used; the message names the file, the field and why. */
public final class PolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PolicyException(String message) {
    super(message);
  }
}
