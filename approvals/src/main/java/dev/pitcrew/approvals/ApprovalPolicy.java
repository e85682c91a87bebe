package dev.pitcrew.approvals;

import java.time.Duration;
import java.util.List;
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
  private final Map<String, ApprovalRule.Override> clusters;
  private final GroupDirectory groups;

  public ApprovalPolicy(
      ApprovalRule defaults,
      Map<String, ApprovalRule.Override> runbooks,
      Map<String, ApprovalRule.Override> namespaces,
      GroupDirectory groups) {
    this(defaults, runbooks, namespaces, Map.of(), groups);
  }

  /**
   * @param clusters per named cluster, applied first: a runbook's or namespace's rule may ask for
   *     more approvals there, never fewer
   */
  public ApprovalPolicy(
      ApprovalRule defaults,
      Map<String, ApprovalRule.Override> runbooks,
      Map<String, ApprovalRule.Override> namespaces,
      Map<String, ApprovalRule.Override> clusters,
      GroupDirectory groups) {
    this.defaults = defaults;
    this.runbooks = Map.copyOf(runbooks);
    this.namespaces = Map.copyOf(namespaces);
    this.clusters = Map.copyOf(clusters);
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
    return new ApprovalPolicy(defaults, runbooks, namespaces, clusters, directory);
  }

  public ApprovalRule defaults() {
    return defaults;
  }

  /** The rule for a runbook in a namespace (null if the change is not namespaced). */
  public ApprovalRule ruleFor(String runbook, String namespace) {
    return ruleFor(runbook, namespace, null);
  }

  /**
   * The rule for a runbook in a namespace on a cluster (either null if not named): the cluster's,
   * the runbook's and the namespace's rules that apply, combined over the default so that none
   * weakens another ({@link ApprovalRule.Override#combine}).
   */
  public ApprovalRule ruleFor(String runbook, String namespace, String cluster) {
    List<ApprovalRule.Override> applying = new java.util.ArrayList<>();
    if (cluster != null && clusters.containsKey(cluster)) {
      applying.add(clusters.get(cluster));
    }
    if (runbooks.containsKey(runbook)) {
      applying.add(runbooks.get(runbook));
    }
    if (namespace != null && namespaces.containsKey(namespace)) {
      applying.add(namespaces.get(namespace));
    }
    return ApprovalRule.Override.combine(defaults, applying);
  }

  public ApprovalRule ruleFor(ApprovalRequest request) {
    return ruleFor(request.runbook(), request.namespace(), request.cluster());
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
              + (request.namespace() == null ? "" : " in namespace " + request.namespace())
              + (request.cluster() == null ? "" : " on cluster " + request.cluster()));
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
    return admits(new ApprovalRule.Eligible(rule.approvers(), rule.groups()), user)
        && rule.alsoAdmittedBy().stream().allMatch(e -> admits(e, user));
  }

  private boolean admits(ApprovalRule.Eligible eligible, String user) {
    if (eligible.approvers().contains(user)) {
      return true;
    }
    for (String group : eligible.groups()) {
      if (groups.members(group).contains(user)) {
        return true;
      }
    }
    return false;
  }
}
