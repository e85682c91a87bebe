package dev.pitcrew.remediations;

import java.util.List;
import java.util.Objects;

/**
 * Who asked for a change and who let it run. Written onto the changed object and into its
 * Kubernetes Event so that the cluster itself tells the story.
 *
 * @param changeId unique per change (the approval ID): tells this write apart from others of the
 *     same conversation when reading back after an error
 * @param cluster the name Pitcrew's configuration gives the cluster, when it names clusters; null
 *     otherwise
 * @param approvedChanges the changes as the approved card showed them ({@code field: from -> to});
 *     the write runs only if the plan made at the moment of writing shows exactly these. Null: no
 *     approval to hold the write to (reads)
 */
public record ChangeContext(
    String correlationId,
    String requestedBy,
    String approvedBy,
    String changeId,
    String cluster,
    List<String> approvedChanges) {
  public ChangeContext {
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(requestedBy, "requestedBy");
    approvedChanges = approvedChanges == null ? null : List.copyOf(approvedChanges);
  }

  public ChangeContext(
      String correlationId, String requestedBy, String approvedBy, String changeId) {
    this(correlationId, requestedBy, approvedBy, changeId, null, null);
  }

  /** The same context on the named cluster. */
  public ChangeContext onCluster(String name) {
    return new ChangeContext(
        correlationId, requestedBy, approvedBy, changeId, name, approvedChanges);
  }

  /** The same context, its write held to {@code changes} as the approved card showed them. */
  public ChangeContext approving(List<String> changes) {
    return new ChangeContext(correlationId, requestedBy, approvedBy, changeId, cluster, changes);
  }

  /** For read-only actions, which nobody approves. */
  public static ChangeContext readOnly(String correlationId, String requestedBy) {
    return new ChangeContext(correlationId, requestedBy, null, null);
  }
}
