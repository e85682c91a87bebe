package dev.pitcrew.runbooks;

import java.util.Set;

/**
 * Limits a runbook enforces in code, whatever the model or the operator asks.
 *
 * @param allowedNamespaces namespaces the runbook may touch; empty means any not protected
 * @param protectedNamespaces namespaces a mutating runbook never touches
 * @param maxScaleStep the largest change in replicas one approval may make, or null for no limit
 */
public record Limits(
    Set<String> allowedNamespaces, Set<String> protectedNamespaces, Integer maxScaleStep) {

  /** Protected unless a runbook says otherwise. */
  public static final Set<String> DEFAULT_PROTECTED = Set.of("kube-system");

  public Limits {
    allowedNamespaces = Set.copyOf(allowedNamespaces);
    protectedNamespaces = Set.copyOf(protectedNamespaces);
  }
}
