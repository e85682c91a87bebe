package dev.pitcrew.approvals;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * As whom Pitcrew calls Kubernetes: its own service account ({@link Mode#BOT}), or the person who
 * asked, through impersonation ({@link Mode#REQUESTER}).
 *
 * @param users chat user ID to Kubernetes user name; wins over the profile email
 * @param groups chat user-group ID to the Kubernetes groups its members get
 * @param fromEmail whether a user not in {@code users} is their chat profile email
 */
public record KubernetesIdentity(
    Mode mode, Map<String, String> users, Map<String, List<String>> groups, boolean fromEmail) {

  public enum Mode {
    /** Every call as Pitcrew's own service account. */
    BOT,
    /** Every call for a request impersonates its requester; the cluster's RBAC decides. */
    REQUESTER
  }

  public KubernetesIdentity {
    users = Map.copyOf(users);
    groups = Map.copyOf(groups);
  }

  public static KubernetesIdentity bot() {
    return new KubernetesIdentity(Mode.BOT, Map.of(), Map.of(), true);
  }

  public boolean impersonates() {
    return mode == Mode.REQUESTER;
  }

  /** The Kubernetes user named for {@code user} in the explicit map, if any. */
  public Optional<String> mapped(String user) {
    return Optional.ofNullable(users.get(user));
  }
}
