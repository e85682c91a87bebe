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
 * @param inverse what would undo the executed change (see {@link Execution#inverse()}), or null
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
    String inverse,
    long version) {

  public ApprovalRequest {
    changes = List.copyOf(changes);
  }

  ApprovalRequest withState(ApprovalState next, String by) {
    return copy(next, by, result, inverse, card, version);
  }

  ApprovalRequest withResult(ApprovalState next, Execution execution) {
    return copy(next, decidedBy, execution.summary(), execution.inverse(), card, version);
  }

  ApprovalRequest withCard(String cardRef) {
    return copy(state, decidedBy, result, inverse, cardRef, version);
  }

  ApprovalRequest withVersion(long next) {
    return copy(state, decidedBy, result, inverse, card, next);
  }

  /** The fields that change over a request's life; the rest are fixed when it is opened. */
  private ApprovalRequest copy(
      ApprovalState nextState,
      String nextDecidedBy,
      String nextResult,
      String nextInverse,
      String nextCard,
      long v) {
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
        nextCard,
        createdAt,
        expiresAt,
        nextState,
        nextDecidedBy,
        nextResult,
        nextInverse,
        v);
  }
}
