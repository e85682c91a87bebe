package dev.pitcrew.approvals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * A mutating call that needs an approval: the exact arguments, the preview people will read, and
 * where the conversation happens.
 *
 * @param namespace the namespace the change touches, for per-namespace policy; null if none
 * @param arguments the exact arguments that will run, as validated against the runbook's schema
 * @param changes each changed field, e.g. {@code spec.replicas: 3 -> 5}
 * @param channel where the card is posted (a Slack channel ID, or a terminal session)
 * @param thread the conversation the card belongs to (a Slack thread timestamp), may be null
 * @param undoOf the approval whose change this one undoes, or null
 * @param agent the MCP client that proposed it for the requester, or null
 */
public record Proposal(
    String runbook,
    String namespace,
    ObjectNode arguments,
    String previewSummary,
    List<PlannedChange> changes,
    String requester,
    String correlationId,
    String channel,
    String thread,
    String undoOf,
    String agent) {
  /** A proposal a person (or Pitcrew's model, for them) made. */
  public Proposal(
      String runbook,
      String namespace,
      ObjectNode arguments,
      String previewSummary,
      List<PlannedChange> changes,
      String requester,
      String correlationId,
      String channel,
      String thread,
      String undoOf) {
    this(
        runbook,
        namespace,
        arguments,
        previewSummary,
        changes,
        requester,
        correlationId,
        channel,
        thread,
        undoOf,
        null);
  }

  public Proposal {
    Objects.requireNonNull(runbook, "runbook");
    arguments = Objects.requireNonNull(arguments, "arguments").deepCopy();
    Objects.requireNonNull(previewSummary, "previewSummary");
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(correlationId, "correlationId");
    changes = List.copyOf(changes);
  }

  /** The {@code cluster} argument, when clusters are named; else null. */
  public String cluster() {
    return arguments.hasNonNull("cluster") ? arguments.get("cluster").asText() : null;
  }

  /** A copy: the stored arguments never change after the card showed them. */
  @Override
  public ObjectNode arguments() {
    return arguments.deepCopy();
  }
}
