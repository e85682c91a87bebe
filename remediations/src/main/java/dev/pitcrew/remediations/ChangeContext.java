package dev.pitcrew.remediations;

import java.util.Objects;

/**
 * Who asked for a change and who let it run. Written onto the changed object and into its
 * Kubernetes Event so that the cluster itself tells the story.
 */
public record ChangeContext(String correlationId, String requestedBy, String approvedBy) {
  public ChangeContext {
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(requestedBy, "requestedBy");
  }

  /** For read-only actions, which nobody approves. */
  public static ChangeContext readOnly(String correlationId, String requestedBy) {
    return new ChangeContext(correlationId, requestedBy, null);
  }
}
