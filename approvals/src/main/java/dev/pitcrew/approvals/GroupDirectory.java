package dev.pitcrew.approvals;

import java.util.Set;

/** Who is in a user group (a Slack user group, say). Implementations cache with a short TTL. */
@FunctionalInterface
public interface GroupDirectory {

  /** The members of {@code groupId}; empty if the group is unknown or cannot be read. */
  Set<String> members(String groupId);

  /** No groups at all: only users named directly can approve. */
  static GroupDirectory none() {
    return group -> Set.of();
  }
}
