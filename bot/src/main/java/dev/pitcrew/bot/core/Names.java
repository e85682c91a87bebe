package dev.pitcrew.bot.core;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** Suggestions for a mistyped name. */
public final class Names {
  private Names() {}

  /**
   * The candidate nearest to {@code typed} by edit distance, if it is near enough to be what was
   * meant: within a third of its length in edits (two for short names).
   */
  public static Optional<String> nearest(String typed, Collection<String> candidates) {
    String t = typed.toLowerCase(Locale.ROOT);
    int allowed = Math.max(2, t.length() / 3);
    return candidates.stream()
        .filter(c -> distance(t, c.toLowerCase(Locale.ROOT)) <= allowed)
        .min(
            Comparator.comparingInt((String c) -> distance(t, c.toLowerCase(Locale.ROOT)))
                .thenComparing(Comparator.naturalOrder()));
  }

  /** Levenshtein distance, one row at a time. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
