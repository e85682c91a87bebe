package dev.pitcrew.approvals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The policy file's {@code masking} section: credential shapes of the operator's own, masked as
 * their kind, and keys whose values stay visible although their names look secret.
 *
 * @param extraPatterns kind to regular expression, in the file's order
 * @param allowKeys key names, compared without case
 */
public record MaskingPolicy(Map<String, String> extraPatterns, Set<String> allowKeys) {
  public MaskingPolicy {
    extraPatterns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extraPatterns));
    allowKeys = Set.copyOf(allowKeys);
  }

  /** Nothing beyond the shipped rules. */
  public static MaskingPolicy none() {
    return new MaskingPolicy(Map.of(), Set.of());
  }
}
