package dev.pitcrew.approvals;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may ask Pitcrew anything at all, and where. Empty lists mean no restriction of that kind.
 *
 * @param channels channels where requests are taken
 * @param users users who may ask
 * @param groups user groups whose members may ask
 * @param teams other Slack workspaces (team IDs) whose people may use Pitcrew at all, as in a Slack
 *     Connect channel or an org-wide install; Pitcrew's own workspace always may, and no other does
 *     unless listed here
 * @param runbooks who may use each runbook (per namespace too), on top of who may ask at all
 * @param clusters who may use each named cluster, on top of who may ask at all
 */
public record AccessPolicy(
    Set<String> channels,
    Set<String> users,
    Set<String> groups,
    Set<String> teams,
    Map<String, UseRule> runbooks,
    Map<String, UseRule> clusters) {
  public AccessPolicy {
    channels = Set.copyOf(channels);
    users = Set.copyOf(users);
    groups = Set.copyOf(groups);
    teams = Set.copyOf(teams);
    runbooks = Map.copyOf(runbooks);
    clusters = Map.copyOf(clusters);
  }

  /** Who may ask at all, with every runbook and cluster open to them. */
  public AccessPolicy(
      Set<String> channels, Set<String> users, Set<String> groups, Set<String> teams) {
    this(channels, users, groups, teams, Map.of(), Map.of());
  }

  public static AccessPolicy open() {
    return new AccessPolicy(Set.of(), Set.of(), Set.of(), Set.of());
  }

  /**
   * Whether {@code runbook} is worth offering to {@code user} at all: they may use it in at least
   * one namespace. Whether they may use it on a given target is {@link #useRefusal}'s to say.
   */
  public boolean offers(String user, String runbook, GroupDirectory directory) {
    UseRule rule = runbooks.get(runbook);
    if (rule == null || rule.admits(user, directory)) {
      return true;
    }
    return rule.namespaces().values().stream().anyMatch(r -> r.admits(user, directory));
  }

  /**
   * Why {@code user} may not use {@code runbook} in {@code namespace} on {@code cluster}, naming
   * the rule that says so; empty if they may. Namespace and cluster may be null.
   */
  public Optional<String> useRefusal(
      String user, String runbook, String namespace, String cluster, GroupDirectory directory) {
    UseRule clusterRule = cluster == null ? null : clusters.get(cluster);
    if (clusterRule != null && !clusterRule.admits(user, directory)) {
      return Optional.of(
          "you may not use cluster " + cluster + " (policy rule ask.clusters." + cluster + ")");
    }
    UseRule rule = runbooks.get(runbook);
    if (rule == null) {
      return Optional.empty();
    }
    String where = "ask.runbooks." + runbook;
    UseRule inNamespace = namespace == null ? null : rule.namespaces().get(namespace);
    if (inNamespace != null) {
      return inNamespace.admits(user, directory)
          ? Optional.empty()
          : Optional.of(
              "you may not use runbook "
                  + runbook
                  + " in namespace "
                  + namespace
                  + " (policy rule "
                  + where
                  + ".namespaces."
                  + namespace
                  + ")");
    }
    return rule.admits(user, directory)
        ? Optional.empty()
        : Optional.of(
            "you may not use runbook "
                + runbook
                + (namespace == null ? "" : " in namespace " + namespace)
                + " (policy rule "
                + where
                + ")");
  }

  /** Why nobody may ask in {@code channel}, or empty; needs no lookup, so it never blocks. */
  public Optional<String> channelRefusal(String channel) {
    return !channels.isEmpty() && !channels.contains(channel)
        ? Optional.of("Pitcrew does not take requests in this channel")
        : Optional.empty();
  }

  /**
   * Why {@code user} may not ask in {@code channel}, or empty if they may. May look up group
   * membership in {@code directory}.
   */
  public Optional<String> refusal(String channel, String user, GroupDirectory directory) {
    Optional<String> channelRefusal = channelRefusal(channel);
    if (channelRefusal.isPresent()) {
      return channelRefusal;
    }
    if (users.isEmpty() && groups.isEmpty()) {
      return Optional.empty();
    }
    if (users.contains(user)) {
      return Optional.empty();
    }
    for (String group : groups) {
      if (directory.members(group).contains(user)) {
        return Optional.empty();
      }
    }
    return Optional.of("you are not on the list of people who may ask Pitcrew");
  }
}
