package dev.pitcrew.approvals;

import java.time.Instant;
import java.util.List;

/**
 * One request for approval, as stored. Immutable; every change is a new value with a higher {@code
 * version}, written by compare-and-set.
 *
 * @param argumentsHash SHA-256 of runbook and arguments, checked again before execution
 * @param card where the approval card was posted (a Slack message timestamp), null until then
 * @param decidedBy who approved or denied, null while pending
 * @param result the outcome's summary once executed
 */
public record ApprovalRequest(
    String id,
    String runbook,
    String argumentsJson,
    String argumentsHash,
    String previewSummary,
    List<String> changes,
    String requester,
    String correlationId,
    String channel,
    String thread,
    String card,
    Instant createdAt,
    Instant expiresAt,
    ApprovalState state,
    String decidedBy,
    String result,
    long version) {

  public ApprovalRequest {
    changes = List.copyOf(changes);
  }

  ApprovalRequest withState(ApprovalState next, String by) {
    return new ApprovalRequest(
        id,
        runbook,
        argumentsJson,
        argumentsHash,
        previewSummary,
        changes,
        requester,
        correlationId,
        channel,
        thread,
        card,
        createdAt,
        expiresAt,
        next,
        by,
        result,
        version);
  }

  ApprovalRequest withResult(ApprovalState next, String summary) {
    return new ApprovalRequest(
        id,
        runbook,
        argumentsJson,
        argumentsHash,
        previewSummary,
        changes,
        requester,
        correlationId,
        channel,
        thread,
        card,
        createdAt,
        expiresAt,
        next,
        decidedBy,
        summary,
        version);
  }

  ApprovalRequest withCard(String cardRef) {
    return new ApprovalRequest(
        id,
        runbook,
        argumentsJson,
        argumentsHash,
        previewSummary,
        changes,
        requester,
        correlationId,
        channel,
        thread,
        cardRef,
        createdAt,
        expiresAt,
        state,
        decidedBy,
        result,
        version);
  }

  ApprovalRequest withVersion(long next) {
    return new ApprovalRequest(
        id,
        runbook,
        argumentsJson,
        argumentsHash,
        previewSummary,
        changes,
        requester,
        correlationId,
        channel,
        thread,
        card,
        createdAt,
        expiresAt,
        state,
        decidedBy,
        result,
        next);
  }
}
