package dev.pitcrew.approvals;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Who may approve. Decided in code at click time, never by the model.
 *
 * @param approvers user IDs allowed to approve any runbook
 * @param allowSelfApproval whether the requester may approve their own request
 * @param expiry how long a request stays approvable
 */
public record ApprovalPolicy(Set<String> approvers, boolean allowSelfApproval, Duration expiry) {
  public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(15);

  public ApprovalPolicy {
    approvers = Set.copyOf(approvers);
    if (expiry.isNegative() || expiry.isZero()) {
      throw new IllegalArgumentException("approval expiry must be positive, was " + expiry);
    }
  }

  /** These approvers, no self-approval, 15 minutes to decide. */
  public static ApprovalPolicy of(Set<String> approvers) {
    return new ApprovalPolicy(approvers, false, DEFAULT_EXPIRY);
  }

  /** Who may approve this request, for the card. */
  public Set<String> approversFor(ApprovalRequest request) {
    return approvers;
  }

  /** Why {@code user} may not approve {@code request}, or empty if they may. */
  public Optional<String> approvalRefusal(ApprovalRequest request, String user) {
    if (!allowSelfApproval && user.equals(request.requester())) {
      return Optional.of("you asked for this change, so someone else has to approve it");
    }
    if (!approversFor(request).contains(user)) {
      return Optional.of("you are not an approver for runbook " + request.runbook());
    }
    return Optional.empty();
  }

  /** Approvers may deny; the requester may withdraw their own request. */
  public Optional<String> denialRefusal(ApprovalRequest request, String user) {
    if (user.equals(request.requester()) || approversFor(request).contains(user)) {
      return Optional.empty();
    }
    return Optional.of("only an approver or the requester can deny this request");
  }
}
