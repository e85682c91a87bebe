package dev.pitcrew.remediations;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Hides credentials in text that came from the cluster, before the model, Slack, the shell, the
 * audit feed or the log see it. A masked value reads {@code [masked: KIND]}: the kind of
 * credential, never a part of it. Rules are data (the shipped {@code masking.yaml}, plus patterns
 * and allowed keys from the policy file), compiled once; masking runs in time linear in the text.
 *
 * <p>Every action that {@link Remediations} builds masks what it returns with its options' masking.
 */
public interface Masking {

  /** {@code text} with every credential replaced by {@code [masked: KIND]}. */
  String mask(String text);

  /**
   * The kind of credential a key or variable name ({@code DB_PASSWORD}, {@code apiKey}) holds, or
   * empty when its value may be shown ({@code token_count}, {@code PAYMENTS_TIMEOUT_MS}, a key the
   * policy allows).
   */
  Optional<String> secretKind(String key);

  /**
   * What replaces the value of {@code key} where the key and its value are known apart (an env
   * entry of an object), counted as masked; empty when the value may be shown.
   */
  Optional<String> maskedValueOf(String key);

  /** How every masked value begins. */
  String MARKER_PREFIX = "[masked: ";

  /** The text a masked value of {@code kind} is replaced with. */
  static String marker(String kind) {
    return MARKER_PREFIX + kind + "]";
  }

  /** Hears of every value masked, by kind (for metrics); never of the value. */
  @FunctionalInterface
  interface Listener {
    void masked(String kind, int count);
  }

  /** The shipped rules and nothing else. */
  static Masking shipped() {
    return MaskingRules.SHIPPED;
  }

  static Builder builder() {
    return new Builder();
  }

  /** The shipped rules, with the policy's additions and a listener. */
  final class Builder {
    private final List<MaskingRules.PatternRule> extra = new ArrayList<>();
    private Set<String> allowKeys = Set.of();
    private Listener listener = (kind, count) -> {};

    private Builder() {}

    /**
     * Also masks whatever {@code regex} matches, as {@code kind}.
     *
     * @throws IllegalArgumentException naming the kind and why, if the pattern does not compile or
     *     the kind is not a short lower-case word
     */
    public Builder extraPattern(String kind, String regex) {
      extra.add(MaskingRules.PatternRule.of(kind, regex));
      return this;
    }

    /** Keys whose values stay visible although their names look secret (case-insensitive). */
    public Builder allowKeys(Set<String> keys) {
      this.allowKeys = Set.copyOf(keys);
      return this;
    }

    public Builder listener(Listener listener) {
      this.listener = listener;
      return this;
    }

    public Masking build() {
      return MaskingRules.SHIPPED.with(extra, allowKeys, listener);
    }
  }
}
