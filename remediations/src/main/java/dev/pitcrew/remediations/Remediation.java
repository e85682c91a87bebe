package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One Kubernetes action. Arguments arrive already validated against {@link #parameterSchema()}.
 * Implementations never throw for situations an operator can meet (missing objects, RBAC, API
 * errors): those are {@link Refused} or {@link Failed} values.
 */
public interface Remediation {

  /** Stable name, such as {@code deployment.scale}. Runbooks refer to actions by it. */
  String name();

  Risk risk();

  /** What the action does, for the people and the model reading a runbook built on it. */
  String description();

  /**
   * The Kubernetes RBAC grants this action needs: every call it makes, its Event and its rollout
   * watch included. The Helm chart grants exactly these for the runbooks it enables.
   */
  java.util.List<Permission> permissions();

  /** JSON Schema of the arguments this action needs; runbooks may narrow it, never widen it. */
  JsonNode parameterSchema();

  /** The exact change a mutation would make now, without making it. */
  default Preview preview(JsonNode arguments) {
    return new Refused(name() + " is read-only and has nothing to preview");
  }

  Outcome execute(JsonNode arguments, ChangeContext context);

  /**
   * This action kept to {@code namespaces}. An action named by one {@code namespace} argument needs
   * nothing: its runbook checks that argument. One that reaches into many (a drain evicts the pods
   * of every namespace on a node) leaves those outside alone and says so.
   */
  default Remediation within(Namespaces namespaces) {
    return this;
  }

  /**
   * Where a runbook may act.
   *
   * @param allowed the only namespaces it may touch; empty means any not protected
   * @param protectedNamespaces never touched
   */
  record Namespaces(java.util.Set<String> allowed, java.util.Set<String> protectedNamespaces) {
    public Namespaces {
      allowed = java.util.Set.copyOf(allowed);
      protectedNamespaces = java.util.Set.copyOf(protectedNamespaces);
    }

    /** Anywhere. */
    public static Namespaces any() {
      return new Namespaces(java.util.Set.of(), java.util.Set.of());
    }

    /** Why {@code namespace} is off limits, if it is. */
    public java.util.Optional<String> refusal(String namespace) {
      if (protectedNamespaces.contains(namespace)) {
        return java.util.Optional.of("namespace " + namespace + " is protected");
      }
      if (!allowed.isEmpty() && !allowed.contains(namespace)) {
        return java.util.Optional.of("namespace " + namespace + " is not one the runbook may use");
      }
      return java.util.Optional.empty();
    }
  }
}
