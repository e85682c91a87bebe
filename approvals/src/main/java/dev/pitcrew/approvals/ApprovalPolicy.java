package dev.pitcrew.approvals;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may approve what. A default rule, overridden per runbook and then per namespace (so {@code
 * payments} can need its own on-call group and two approvals). Decided in code at click time, with
 * group membership read then, never by the model.
 */
public final class ApprovalPolicy {
  public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(15);

  private final ApprovalRule defaults;
  private final Map<String, ApprovalRule.Override> runbooks;
  private final Map<String, ApprovalRule.Override> namespaces;
  private final GroupDirectory groups;

  public ApprovalPolicy(
      ApprovalRule defaults,
      Map<String, ApprovalRule.Override> runbooks,
      Map<String, ApprovalRule.Override> namespaces,
      GroupDirectory groups) {
    this.defaults = defaults;
    this.runbooks = Map.copyOf(runbooks);
    this.namespaces = Map.copyOf(namespaces);
    this.groups = groups;
  }

  /** These approvers for everything, one approval, no self-approval, 15 minutes. */
  public static ApprovalPolicy of(Set<String> approvers) {
    return new ApprovalPolicy(
        new ApprovalRule(approvers, Set.of(), 1, false, DEFAULT_EXPIRY),
        Map.of(),
        Map.of(),
        GroupDirectory.none());
  }

  /** The same rules, with group membership read from {@code directory}. */
  public ApprovalPolicy withGroups(GroupDirectory directory) {
    return new ApprovalPolicy(defaults, runbooks, namespaces, directory);
  }

  public ApprovalRule defaults() {
    return defaults;
  }

  /** The rule for a runbook in a namespace (null if the change is not namespaced). */
  public ApprovalRule ruleFor(String runbook, String namespace) {
    ApprovalRule rule = defaults;
    if (runbooks.containsKey(runbook)) {
      rule = runbooks.get(runbook).over(rule);
    }
    if (namespace != null && namespaces.containsKey(namespace)) {
      rule = namespaces.get(namespace).over(rule);
    }
    return rule;
  }

  public ApprovalRule ruleFor(ApprovalRequest request) {
    return ruleFor(request.runbook(), request.namespace());
  }

  /** Why {@code user} may not approve {@code request} now, or empty if they may. */
  public Optional<String> approvalRefusal(ApprovalRequest request, String user) {
    ApprovalRule rule = ruleFor(request);
    if (!rule.allowSelfApproval() && user.equals(request.requester())) {
      return Optional.of("you asked for this change, so someone else has to approve it");
    }
    if (!mayApprove(rule, user)) {
      return Optional.of(
          "you are not an approver for runbook "
              + request.runbook()
              + (request.namespace() == null ? "" : " in namespace " + request.namespace()));
    }
    if (request.approvals().contains(user)) {
      return Optional.of(
          "you already approved; "
              + request.remainingApprovals()
              + " more approval(s) from someone else are needed");
    }
    return Optional.empty();
  }

  /** Approvers may deny; the requester may withdraw their own request. */
  public Optional<String> denialRefusal(ApprovalRequest request, String user) {
    if (user.equals(request.requester()) || mayApprove(ruleFor(request), user)) {
      return Optional.empty();
    }
    return Optional.of("only an approver or the requester can deny this request");
  }

  private boolean mayApprove(ApprovalRule rule, String user) {
    if (rule.approvers().contains(user)) {
      return true;
    }
    for (String group : rule.groups()) {
      if (groups.members(group).contains(user)) {
        return true;
      }
    }
    return false;
  }
}
