package dev.pitcrew.approvals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** Claims in a map, each key held until its expiry. */
final class InMemoryClaims implements Claims {
  private final ConcurrentMap<String, Instant> held = new ConcurrentHashMap<>();
  private final Clock clock;

  InMemoryClaims(Clock clock) {
    this.clock = clock;
  }

  @Override
  public boolean claim(String key, Duration ttl) {
    Instant now = clock.instant();
    AtomicBoolean won = new AtomicBoolean();
    held.compute(
        key,
        (k, expires) -> {
          if (expires != null && expires.isAfter(now)) {
            return expires;
          }
          won.set(true);
          return now.plus(ttl);
        });
    return won.get();
  }

  @Override
  public int purgeExpired() {
    Instant now = clock.instant();
    int before = held.size();
    held.values().removeIf(expires -> !expires.isAfter(now));
    return before - held.size();
  }
}
