package dev.pitcrew.approvals;

import java.util.Map;
import java.util.Set;

/**
 * Who may use a runbook or a cluster: users and user groups, and per namespace a rule that replaces
 * this one there. A rule with neither users nor groups restricts nobody.
 *
 * @param namespaces per-namespace rules, which replace this one in their namespace
 */
public record UseRule(Set<String> users, Set<String> groups, Map<String, UseRule> namespaces) {
  public UseRule {
    users = Set.copyOf(users);
    groups = Set.copyOf(groups);
    namespaces = Map.copyOf(namespaces);
  }

  /** Whether this rule names anyone at all. */
  boolean restricts() {
    return !users.isEmpty() || !groups.isEmpty();
  }

  /** Whether {@code user} is named, directly or through a group read from {@code directory}. */
  boolean admits(String user, GroupDirectory directory) {
    if (!restricts() || users.contains(user)) {
      return true;
    }
    for (String group : groups) {
      if (directory.members(group).contains(user)) {
        return true;
      }
    }
    return false;
  }
}
