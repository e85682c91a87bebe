package dev.pitcrew.bot.slack;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.pitcrew.bot.kube.UserDirectory;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Profile emails through {@code users.info} (scope {@code users:read.email}), for acting on the
 * cluster as the requester: only an email Slack confirmed, of a user of Pitcrew's own workspace.
 * Cached ten minutes; a lookup that fails is not cached, and reads as no email, so the request is
 * refused rather than run with other rights.
 */
final class SlackUsers implements UserDirectory {
  static final Duration TTL = Duration.ofMinutes(10);
  private static final Logger log = LoggerFactory.getLogger(SlackUsers.class);

  private final LoadingCache<String, Optional<String>> emails;

  /**
   * @param ownTeam Pitcrew's own workspace, once known: a user of another workspace (Slack Connect,
   *     a partner listed in ask.teams) is never mapped by email, whose admin sets it
   */
  SlackUsers(SlackCalls calls, Ticker ticker, java.util.function.Supplier<String> ownTeam) {
    this.emails =
        Caffeine.newBuilder()
            .ticker(ticker)
            .expireAfterWrite(TTL)
            .maximumSize(10_000)
            .build(user -> load(calls, user, ownTeam.get()));
  }

  private static Optional<String> load(SlackCalls calls, String user, String ownTeam) {
    try {
      var response = calls.call("users.info", () -> calls.methods().usersInfo(r -> r.user(user)));
      var found = response.getUser();
      var profile = found == null ? null : found.getProfile();
      String email = profile == null ? null : profile.getEmail();
      if (email == null || email.isBlank()) {
        return Optional.empty();
      }
      if (!found.isEmailConfirmed()) {
        log.info("the profile email of {} is not confirmed by Slack; not used", user);
        return Optional.empty();
      }
      if (ownTeam == null || !ownTeam.equals(found.getTeamId())) {
        log.info(
            "{} is of workspace {}, not Pitcrew's own; email not used", user, found.getTeamId());
        return Optional.empty();
      }
      return Optional.of(email);
    } catch (SlackCallException e) {
      log.warn("cannot read the profile of {}: {}", user, e.getMessage());
      return null; // not cached: the next request reads again
    }
  }

  @Override
  public Optional<String> email(String user) {
    Optional<String> found = emails.get(user);
    return found == null ? Optional.empty() : found;
  }
}
