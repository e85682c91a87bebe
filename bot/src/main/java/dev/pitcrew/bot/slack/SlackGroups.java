package dev.pitcrew.bot.slack;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.pitcrew.approvals.GroupDirectory;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack user-group membership through {@code usergroups.users.list}: refreshed in the background
 * every 30 s and forgotten after two minutes, so someone leaving the on-call group loses approval
 * rights quickly and a lookup of a known group never waits on Slack.
 */
final class SlackGroups implements GroupDirectory {
  static final Duration REFRESH = Duration.ofSeconds(30);
  static final Duration TTL = Duration.ofMinutes(2);
  private static final Logger log = LoggerFactory.getLogger(SlackGroups.class);

  private final LoadingCache<String, Set<String>> members;

  SlackGroups(SlackCalls calls, Ticker ticker) {
    // Refreshed in the background after REFRESH: a lookup does not wait for Slack once a group
    // is known. A refresh that fails keeps the old members until TTL, then a lookup reads again.
    this.members =
        Caffeine.newBuilder()
            .ticker(ticker)
            .refreshAfterWrite(REFRESH)
            .expireAfterWrite(TTL)
            .maximumSize(1_000)
            .build(group -> load(calls, group));
  }

  private static Set<String> load(SlackCalls calls, String group) {
    try {
      var response =
          calls.call(
              "usergroups.users.list",
              () -> calls.methods().usergroupsUsersList(r -> r.usergroup(group)));
      return response.getUsers() == null ? Set.of() : Set.copyOf(response.getUsers());
    } catch (SlackCallException e) {
      // Fail closed: nobody is a member of a group we cannot read. Not cached.
      log.warn("cannot read members of user group {}: {}", group, e.getMessage());
      return null;
    }
  }

  @Override
  public Set<String> members(String groupId) {
    Set<String> found = members.get(groupId);
    return found == null ? Set.of() : found;
  }
}
