package dev.pitcrew.runbooks;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The result of checking a tool call's arguments before anything runs. */
public sealed interface ArgumentCheck {

  /** The arguments satisfy the runbook's schema and the action's. */
  record Accepted(Runbook runbook, ObjectNode arguments) implements ArgumentCheck {}

  /** Why the call cannot run, worded for the model to correct it. */
  record Rejected(String error, Reason reason) implements ArgumentCheck {}

  /** What kind of mistake it was, for metrics. */
  enum Reason {
    UNKNOWN_TOOL,
    INVALID_JSON,
    SCHEMA,
    /**
     * A value outside a bound, enum or pattern the runbook sets, or a parameter it does not have.
     */
    OVER_LIMITS
  }
}
