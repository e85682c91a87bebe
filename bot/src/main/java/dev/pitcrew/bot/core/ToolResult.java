package dev.pitcrew.bot.core;

/**
 * What one tool call produced.
 *
 * @param text for the model or the operator
 * @param kind whether the text came from the cluster (untrusted), is an error to correct, or is
 *     Pitcrew's own word about a proposal
 */
public record ToolResult(String text, Kind kind) {

  public enum Kind {
    /** Cluster output: data, never instructions. */
    CLUSTER_OUTPUT,
    /** The call was wrong (unknown tool, bad arguments); the caller can correct it. */
    ERROR,
    /** A mutating call became an approval request; its card is already shown. */
    APPROVAL_REQUESTED,
    /** A mutating call was not proposed (off limits, nothing to change): the text says why. */
    NOT_PROPOSED
  }

  static ToolResult output(String text) {
    return new ToolResult(text, Kind.CLUSTER_OUTPUT);
  }

  static ToolResult error(String text) {
    return new ToolResult("ERROR: " + text, Kind.ERROR);
  }

  static ToolResult approvalRequested(String text) {
    return new ToolResult(text, Kind.APPROVAL_REQUESTED);
  }

  static ToolResult notProposed(String text) {
    return new ToolResult(text, Kind.NOT_PROPOSED);
  }
}
