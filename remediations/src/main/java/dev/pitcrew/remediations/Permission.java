package dev.pitcrew.remediations;

import java.util.Set;
import java.util.TreeSet;

/**
 * One Kubernetes RBAC grant an action needs: verbs on a resource of an API group, and where. The
 * Helm chart grants exactly the union of these for the runbooks it enables (a test keeps the two in
 * step), so an action that starts calling something new must say so here.
 *
 * @param apiGroup {@code ""} for the core group, else e.g. {@code apps}
 * @param resource plural resource, with a subresource after a slash ({@code pods/log})
 * @param verbs sorted RBAC verbs
 * @param scope where the grant applies
 */
public record Permission(String apiGroup, String resource, Set<String> verbs, Scope scope) {

  /** Where a grant applies. */
  public enum Scope {
    /** In each namespace the runbooks may act on. */
    TARGET_NAMESPACES,
    /** Cluster-scoped resources, such as Nodes. */
    CLUSTER,
    /** In {@code default}: where kubectl and Pitcrew record Events about cluster-scoped objects. */
    DEFAULT_NAMESPACE
  }

  public Permission {
    verbs = new TreeSet<>(verbs);
    if (verbs.isEmpty() || resource.isBlank()) {
      throw new IllegalArgumentException("a permission needs a resource and at least one verb");
    }
  }

  static Permission namespaced(String apiGroup, String resource, String... verbs) {
    return new Permission(apiGroup, resource, Set.of(verbs), Scope.TARGET_NAMESPACES);
  }

  static Permission cluster(String apiGroup, String resource, String... verbs) {
    return new Permission(apiGroup, resource, Set.of(verbs), Scope.CLUSTER);
  }

  static final Permission READ_DEPLOYMENT = namespaced("apps", "deployments", "get");
  static final Permission LIST_PODS = namespaced("", "pods", "list");
}
