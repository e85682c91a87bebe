package dev.pitcrew.approvals;

/**
 * How running an approved change went, as far as the approvals module needs to know.
 *
 * @param inverse what would undo the change, as the caller encodes it (JSON, say), or null
 */
public record Execution(boolean succeeded, String summary, String inverse) {
  public Execution(boolean succeeded, String summary) {
    this(succeeded, summary, null);
  }
}
