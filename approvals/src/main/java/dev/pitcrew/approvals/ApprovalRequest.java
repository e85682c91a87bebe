package dev.pitcrew.approvals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One request for approval, as stored. Immutable; every change is a new value with a higher {@code
 * version}, written by compare-and-set.
 *
 * @param proposal what was proposed, exactly as the card showed it
 * @param argumentsHash SHA-256 of runbook and arguments, checked again before execution
 * @param requiredApprovals distinct approvers needed, fixed by the policy when opened
 * @param approvals who has approved so far, in order
 * @param decidedBy who made the final decision (the last approver, or who denied), else null
 * @param card where the approval card was posted (a Slack message timestamp), null until then
 * @param result the outcome's summary once executed, or why it ended otherwise
 * @param inverse what would undo the executed change (see {@link Execution#inverse()}), or null
 * @param lease who runs the change and until when, while EXECUTING; kept afterwards as a record
 * @param undo the approval ID of the request proposed to undo this one, or a claim ({@code
 *     claim:EPOCH_MILLIS}) while that request is being opened; null if nobody asked to undo it
 */
public record ApprovalRequest(
    String id,
    Proposal proposal,
    String argumentsHash,
    Instant createdAt,
    Instant expiresAt,
    int requiredApprovals,
    ApprovalState state,
    List<String> approvals,
    String decidedBy,
    String card,
    String result,
    Reversal inverse,
    Lease lease,
    String undo,
    long version) {

  /**
   * A replica's claim on an execution: its {@code owner} renews {@code until} while the change
   * runs, and no other replica takes the request over before {@code until} has passed.
   */
  public record Lease(String owner, Instant until) {}

  public ApprovalRequest {
    approvals = List.copyOf(approvals);
  }

  public String runbook() {
    return proposal.runbook();
  }

  public String namespace() {
    return proposal.namespace();
  }

  /** The cluster the change targets, when clusters are named; else null. */
  public String cluster() {
    return proposal.cluster();
  }

  public com.fasterxml.jackson.databind.node.ObjectNode arguments() {
    return proposal.arguments();
  }

  public String previewSummary() {
    return proposal.previewSummary();
  }

  public List<PlannedChange> changes() {
    return proposal.changes();
  }

  public String requester() {
    return proposal.requester();
  }

  public String correlationId() {
    return proposal.correlationId();
  }

  public String channel() {
    return proposal.channel();
  }

  public String thread() {
    return proposal.thread();
  }

  /** Approvals still needed before the change may run. */
  public int remainingApprovals() {
    return Math.max(0, requiredApprovals - approvals.size());
  }

  ApprovalRequest withState(ApprovalState next, String by) {
    return copy(next, approvals, by, result, inverse, card, lease, undo, version);
  }

  ApprovalRequest withLease(ApprovalState next, Lease nextLease) {
    return copy(next, approvals, decidedBy, result, inverse, card, nextLease, undo, version);
  }

  ApprovalRequest withApproval(String user, ApprovalState next) {
    List<String> more = new ArrayList<>(approvals);
    more.add(user);
    return copy(
        next,
        more,
        next == ApprovalState.APPROVED ? user : decidedBy,
        result,
        inverse,
        card,
        lease,
        undo,
        version);
  }

  ApprovalRequest withResult(ApprovalState next, Execution execution) {
    return copy(
        next,
        approvals,
        decidedBy,
        execution.summary(),
        execution.inverse(),
        card,
        lease,
        undo,
        version);
  }

  ApprovalRequest withOutcome(ApprovalState next, String why) {
    return copy(next, approvals, decidedBy, why, inverse, card, lease, undo, version);
  }

  ApprovalRequest withCard(String cardRef) {
    return copy(state, approvals, decidedBy, result, inverse, cardRef, lease, undo, version);
  }

  ApprovalRequest withVersion(long next) {
    return copy(state, approvals, decidedBy, result, inverse, card, lease, undo, next);
  }

  ApprovalRequest withUndo(String nextUndo) {
    return copy(state, approvals, decidedBy, result, inverse, card, lease, nextUndo, version);
  }

  private ApprovalRequest copy(
      ApprovalState nextState,
      List<String> nextApprovals,
      String nextDecidedBy,
      String nextResult,
      Reversal nextInverse,
      String nextCard,
      Lease nextLease,
      String nextUndo,
      long nextVersion) {
    return new ApprovalRequest(
        id,
        proposal,
        argumentsHash,
        createdAt,
        expiresAt,
        requiredApprovals,
        nextState,
        nextApprovals,
        nextDecidedBy,
        nextCard,
        nextResult,
        nextInverse,
        nextLease,
        nextUndo,
        nextVersion);
  }
}
