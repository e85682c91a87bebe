package dev.pitcrew.approvals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** Claims in a map, each key held until its expiry. */
final class InMemoryClaims implements Claims {
  private record Held(Instant expires, String note) {}

  private final ConcurrentMap<String, Held> held = new ConcurrentHashMap<>();
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
        (k, current) -> {
          if (current != null && current.expires().isAfter(now)) {
            return current;
          }
          won.set(true);
          return new Held(now.plus(ttl), null);
        });
    return won.get();
  }

  @Override
  public int purgeExpired() {
    Instant now = clock.instant();
    int before = held.size();
    held.values().removeIf(h -> !h.expires().isAfter(now));
    return before - held.size();
  }

  @Override
  public void note(String key, String note) {
    Instant now = clock.instant();
    held.computeIfPresent(
        key, (k, h) -> h.expires().isAfter(now) ? new Held(h.expires(), note) : h);
  }

  @Override
  public Optional<String> noteOf(String key) {
    Held h = held.get(key);
    return h == null || !h.expires().isAfter(clock.instant())
        ? Optional.empty()
        : Optional.ofNullable(h.note());
  }

  @Override
  public void release(String key) {
    held.remove(key);
  }
}
