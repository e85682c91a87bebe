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
 * cluster as the requester. Cached ten minutes; a lookup that fails is not cached, and reads as no
 * email, so the request is refused rather than run with other rights.
 */
final class SlackUsers implements UserDirectory {
  static final Duration TTL = Duration.ofMinutes(10);
  private static final Logger log = LoggerFactory.getLogger(SlackUsers.class);

  private final LoadingCache<String, Optional<String>> emails;

  SlackUsers(SlackCalls calls, Ticker ticker) {
    this.emails =
        Caffeine.newBuilder()
            .ticker(ticker)
            .expireAfterWrite(TTL)
            .maximumSize(10_000)
            .build(user -> load(calls, user));
  }

  private static Optional<String> load(SlackCalls calls, String user) {
    try {
      var response = calls.call("users.info", () -> calls.methods().usersInfo(r -> r.user(user)));
      var profile = response.getUser() == null ? null : response.getUser().getProfile();
      String email = profile == null ? null : profile.getEmail();
      return email == null || email.isBlank() ? Optional.empty() : Optional.of(email);
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
