package dev.pitcrew.bot.slack;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import com.slack.api.methods.MethodsClient;
import dev.pitcrew.approvals.GroupDirectory;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack user-group membership through {@code usergroups.users.list}, cached for a minute: short
 * enough that someone leaving the on-call group loses approval rights quickly.
 */
final class SlackGroups implements GroupDirectory {
  static final Duration TTL = Duration.ofMinutes(1);
  private static final Logger log = LoggerFactory.getLogger(SlackGroups.class);

  private final LoadingCache<String, Set<String>> members;

  SlackGroups(MethodsClient methods, Ticker ticker) {
    this.members =
        Caffeine.newBuilder()
            .ticker(ticker)
            .expireAfterWrite(TTL)
            .maximumSize(1_000)
            .build(group -> load(methods, group));
  }

  private static Set<String> load(MethodsClient methods, String group) {
    try {
      var response =
          SlackSurface.call(
              "usergroups.users.list", () -> methods.usergroupsUsersList(r -> r.usergroup(group)));
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
