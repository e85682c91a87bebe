package dev.pitcrew.approvals;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who may approve one request and how: the default rule, with the cluster's, runbook's and
 * namespace's rules that apply combined over it, each field to the strictest of their values.
 *
 * @param approvers user IDs who may approve
 * @param groups user-group IDs whose members may approve
 * @param minApprovals distinct approvers needed
 * @param allowSelfApproval whether the requester may be one of them
 * @param expiry how long the request stays approvable
 * @param alsoAdmittedBy broader rules (a cluster's, a runbook's) that named approvers too: an
 *     approver must be admitted by each of them as well
 */
public record ApprovalRule(
    Set<String> approvers,
    Set<String> groups,
    int minApprovals,
    boolean allowSelfApproval,
    Duration expiry,
    List<Eligible> alsoAdmittedBy) {
  public ApprovalRule {
    approvers = Set.copyOf(approvers);
    groups = Set.copyOf(groups);
    alsoAdmittedBy = List.copyOf(alsoAdmittedBy);
    if (minApprovals < 1) {
      throw new IllegalArgumentException("minApprovals must be at least 1, was " + minApprovals);
    }
    if (expiry.isNegative() || expiry.isZero()) {
      throw new IllegalArgumentException("approval expiry must be positive, was " + expiry);
    }
  }

  /** A rule with one set of approvers. */
  public ApprovalRule(
      Set<String> approvers,
      Set<String> groups,
      int minApprovals,
      boolean allowSelfApproval,
      Duration expiry) {
    this(approvers, groups, minApprovals, allowSelfApproval, expiry, List.of());
  }

  /** Named users and groups, any of whom a rule admits as an approver. */
  public record Eligible(Set<String> approvers, Set<String> groups) {
    public Eligible {
      approvers = Set.copyOf(approvers);
      groups = Set.copyOf(groups);
    }
  }

  /**
   * A rule's fields that a cluster, runbook or namespace sets; null fields leave them to the others
   * that apply, or to the default.
   */
  public record Override(
      Set<String> approvers,
      Set<String> groups,
      Integer minApprovals,
      Boolean allowSelfApproval,
      Duration expiry) {

    boolean namesApprovers() {
      return approvers != null || groups != null;
    }

    Eligible eligible() {
      return new Eligible(
          approvers == null ? Set.of() : approvers, groups == null ? Set.of() : groups);
    }

    /**
     * {@code narrower} (broadest first) combined over {@code defaults}, so that no rule weakens
     * another: approvers must satisfy every rule that names them (the narrowest is shown first),
     * the most approvals any asks for, self-approval only if every rule that says allows it, the
     * shortest expiry any sets. A field no narrower rule sets is the default's.
     */
    static ApprovalRule combine(ApprovalRule defaults, List<Override> narrower) {
      List<Override> naming = narrower.stream().filter(Override::namesApprovers).toList();
      Eligible shown =
          naming.isEmpty()
              ? new Eligible(defaults.approvers(), defaults.groups())
              : naming.get(naming.size() - 1).eligible();
      List<Eligible> also =
          naming.isEmpty()
              ? List.of()
              : naming.subList(0, naming.size() - 1).stream().map(Override::eligible).toList();
      int min = defaults.minApprovals();
      for (Override o : narrower) {
        if (o.minApprovals() != null) {
          min = Math.max(min, o.minApprovals());
        }
      }
      List<Boolean> self =
          narrower.stream().map(Override::allowSelfApproval).filter(Objects::nonNull).toList();
      List<Duration> expiries =
          narrower.stream().map(Override::expiry).filter(Objects::nonNull).toList();
      return new ApprovalRule(
          shown.approvers(),
          shown.groups(),
          min,
          self.isEmpty() ? defaults.allowSelfApproval() : !self.contains(false),
          expiries.isEmpty()
              ? defaults.expiry()
              : expiries.stream().min(Comparator.naturalOrder()).orElseThrow(),
          also);
    }
  }
}
