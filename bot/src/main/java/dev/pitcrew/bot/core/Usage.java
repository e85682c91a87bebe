package dev.pitcrew.bot.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pitcrew.approvals.UsageLimits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What each person asked of Pitcrew in the last hour, against the policy's {@code limits}: so one
 * person cannot fill the audit feed or spend everyone's model budget. Counted in this replica: with
 * several, a person gets up to that many times the limit, never unlimited.
 */
public final class Usage {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final DateTimeFormatter AT =
      DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final UsageLimits limits;
  private final Clock clock;
  private final Cache<String, Window> windows;

  /** One person's hour: when they asked, and the model's tokens for them, oldest first. */
  private static final class Window {
    final Deque<Instant> asks = new ArrayDeque<>();
    final Deque<Spent> tokens = new ArrayDeque<>();
    long tokenSum;

    void forget(Instant before) {
      while (!asks.isEmpty() && !asks.peekFirst().isAfter(before)) {
        asks.removeFirst();
      }
      while (!tokens.isEmpty() && !tokens.peekFirst().at().isAfter(before)) {
        tokenSum -= tokens.removeFirst().tokens();
      }
    }
  }

  private record Spent(Instant at, long tokens) {}

  public Usage(UsageLimits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
    this.windows =
        Caffeine.newBuilder()
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .expireAfterAccess(HOUR)
            .maximumSize(100_000)
            .build();
  }

  /** Unlimited in practice: for tests and tools that count nothing. */
  public static Usage unlimited(Clock clock) {
    return new Usage(new UsageLimits(Integer.MAX_VALUE, Long.MAX_VALUE), clock);
  }

  /** Counts a request of {@code requester}, or says why it is over the limit (then not counted). */
  public Optional<String> ask(String requester) {
    Window w = windows.get(requester, k -> new Window());
    Instant now = clock.instant();
    synchronized (w) {
      w.forget(now.minus(HOUR));
      if (w.asks.size() >= limits.asksPerHour()) {
        return Optional.of(
            "you have made "
                + w.asks.size()
                + " requests in the last hour, the most the policy allows (limits.asksPerHour);"
                + " ask again at "
                + AT.format(w.asks.peekFirst().plus(HOUR)));
      }
      w.asks.addLast(now);
      return Optional.empty();
    }
  }

  /** Why the model may not be asked more for {@code requester} now, or empty. */
  public Optional<String> modelRefusal(String requester) {
    Window w = windows.getIfPresent(requester);
    if (w == null) {
      return Optional.empty();
    }
    synchronized (w) {
      w.forget(clock.instant().minus(HOUR));
      if (w.tokenSum < limits.tokensPerHour()) {
        return Optional.empty();
      }
      return Optional.of(
          "the model has used "
              + w.tokenSum
              + " tokens on your questions in the last hour, the most the policy allows"
              + " (limits.tokensPerHour); explicit commands (run <runbook> ...) still work, and"
              + " questions again at "
              + AT.format(w.tokens.peekFirst().at().plus(HOUR)));
    }
  }

  /** The model spent {@code tokens} on a question of {@code requester}. */
  public void tokens(String requester, long tokens) {
    if (tokens <= 0) {
      return;
    }
    Window w = windows.get(requester, k -> new Window());
    synchronized (w) {
      w.tokens.addLast(new Spent(clock.instant(), tokens));
      w.tokenSum += tokens;
    }
  }
}
