package dev.pitcrew.bot.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Stops calling a failing model endpoint for a while: after {@code threshold} failures in a row it
 * opens for {@code openFor}; the first call after that is a trial.
 */
final class CircuitBreaker {
  private final int threshold;
  private final Duration openFor;
  private final Clock clock;
  private int failures;
  private Instant openUntil;

  CircuitBreaker(int threshold, Duration openFor, Clock clock) {
    this.threshold = threshold;
    this.openFor = openFor;
    this.clock = clock;
  }

  /** When it closes again, if it is open now. */
  synchronized Optional<Instant> openUntil() {
    if (openUntil != null && clock.instant().isBefore(openUntil)) {
      return Optional.of(openUntil);
    }
    return Optional.empty();
  }

  synchronized void success() {
    failures = 0;
    openUntil = null;
  }

  synchronized void failure() {
    failures++;
    if (failures >= threshold) {
      openUntil = clock.instant().plus(openFor);
    }
  }

  int threshold() {
    return threshold;
  }
}
