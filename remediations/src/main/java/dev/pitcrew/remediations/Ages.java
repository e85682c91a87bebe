package dev.pitcrew.remediations;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Ages as kubectl prints them: 45s, 12m, 5h, 3d. */
final class Ages {
  private Ages() {}

  static String since(String timestamp, Instant now) {
    if (timestamp == null) {
      return "?";
    }
    try {
      return of(Duration.between(Instant.parse(timestamp), now));
    } catch (DateTimeParseException e) {
      return "?";
    }
  }

  static String of(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 2 * 3600) {
      return s / 60 + "m";
    }
    if (s < 2 * 86400) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }
}
