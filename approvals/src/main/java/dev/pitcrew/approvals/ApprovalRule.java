package dev.pitcrew.approvals;

import java.time.Duration;
import java.util.Set;

/**
 * Who may approve one request and how: the default rule, overlaid by the runbook's and then the
 * namespace's.
 *
 * @param approvers user IDs who may approve
 * @param groups user-group IDs whose members may approve
 * @param minApprovals distinct approvers needed
 * @param allowSelfApproval whether the requester may be one of them
 * @param expiry how long the request stays approvable
 */
public record ApprovalRule(
    Set<String> approvers,
    Set<String> groups,
    int minApprovals,
    boolean allowSelfApproval,
    Duration expiry) {
  public ApprovalRule {
    approvers = Set.copyOf(approvers);
    groups = Set.copyOf(groups);
    if (minApprovals < 1) {
      throw new IllegalArgumentException("minApprovals must be at least 1, was " + minApprovals);
    }
    if (expiry.isNegative() || expiry.isZero()) {
      throw new IllegalArgumentException("approval expiry must be positive, was " + expiry);
    }
  }

  /**
   * A rule's fields that a runbook or namespace sets; null fields keep the broader rule's value.
   */
  public record Override(
      Set<String> approvers,
      Set<String> groups,
      Integer minApprovals,
      Boolean allowSelfApproval,
      Duration expiry) {

    ApprovalRule over(ApprovalRule base) {
      return new ApprovalRule(
          approvers != null || groups != null
              ? (approvers == null ? Set.of() : approvers)
              : base.approvers(),
          approvers != null || groups != null
              ? (groups == null ? Set.of() : groups)
              : base.groups(),
          // A narrower rule may ask for more approvals, never fewer.
          minApprovals == null ? base.minApprovals() : Math.max(minApprovals, base.minApprovals()),
          allowSelfApproval == null ? base.allowSelfApproval() : allowSelfApproval,
          expiry == null ? base.expiry() : expiry);
    }
  }
}
