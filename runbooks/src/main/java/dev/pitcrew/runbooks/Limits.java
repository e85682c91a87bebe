package dev.pitcrew.runbooks;

import java.time.Duration;
import java.util.Set;

/**
 * Limits a runbook enforces in code, whatever the model or the operator asks.
 *
 * @param allowedNamespaces namespaces the runbook may touch; empty means any not protected
 * @param protectedNamespaces namespaces a runbook never touches, to read or to change
 * @param maxScaleStep the largest change in replicas one approval may make, or null for no limit
 * @param verifyTimeout how long to watch the rollout a change starts before reporting it stuck
 */
public record Limits(
    Set<String> allowedNamespaces,
    Set<String> protectedNamespaces,
    Integer maxScaleStep,
    Duration verifyTimeout) {

  /** Protected unless a runbook says otherwise. */
  public static final Set<String> DEFAULT_PROTECTED = Set.of("kube-system");

  public static final Duration DEFAULT_VERIFY_TIMEOUT = Duration.ofMinutes(5);

  public Limits {
    allowedNamespaces = Set.copyOf(allowedNamespaces);
    protectedNamespaces = Set.copyOf(protectedNamespaces);
  }

  /** These limits, with more namespaces protected (the bot's own, say). */
  Limits protecting(Set<String> namespaces) {
    Set<String> all = new java.util.HashSet<>(protectedNamespaces);
    all.addAll(namespaces);
    return new Limits(allowedNamespaces, all, maxScaleStep, verifyTimeout);
  }
}
