package dev.pitcrew.approvals;

import java.util.List;
import java.util.Objects;

/**
 * A mutating call that needs an approval: the exact arguments, the preview people will read, and
 * where the conversation happens.
 *
 * @param changes one line per changed field, e.g. {@code spec.replicas: 3 -> 5}
 * @param channel where the card is posted (a Slack channel ID, or a terminal session)
 * @param thread the conversation the card belongs to (a Slack thread timestamp), may be null
 */
public record Proposal(
    String runbook,
    String argumentsJson,
    String previewSummary,
    List<String> changes,
    String requester,
    String correlationId,
    String channel,
    String thread) {
  public Proposal {
    Objects.requireNonNull(runbook, "runbook");
    Objects.requireNonNull(argumentsJson, "argumentsJson");
    Objects.requireNonNull(previewSummary, "previewSummary");
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(correlationId, "correlationId");
    changes = List.copyOf(changes);
  }
}
