package dev.pitcrew.runbooks;

/** A runbook file cannot be used. The message names the file, the line, the field and why. */
public final class RunbookException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RunbookException(String origin, int line, String field, String reason) {
    super(origin + ":" + line + ": " + field + ": " + reason);
  }

  /** A setting that selects runbooks names one that is not loaded. */
  RunbookException(String message) {
    super(message);
  }
}
