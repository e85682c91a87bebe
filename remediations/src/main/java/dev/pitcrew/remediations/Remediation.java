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
}
