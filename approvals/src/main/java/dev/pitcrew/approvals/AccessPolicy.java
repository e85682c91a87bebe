package dev.pitcrew.approvals;

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
 */
public record AccessPolicy(
    Set<String> channels, Set<String> users, Set<String> groups, Set<String> teams) {
  public AccessPolicy {
    channels = Set.copyOf(channels);
    users = Set.copyOf(users);
    groups = Set.copyOf(groups);
    teams = Set.copyOf(teams);
  }

  public static AccessPolicy open() {
    return new AccessPolicy(Set.of(), Set.of(), Set.of(), Set.of());
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
