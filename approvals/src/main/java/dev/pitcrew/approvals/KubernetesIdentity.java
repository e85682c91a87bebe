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
 * @param fromEmail whether a user not in {@code users} is their chat profile email (off unless the
 *     policy turns it on)
 * @param emailDomains the only domains a profile email may have to be used, lower case
 */
public record KubernetesIdentity(
    Mode mode,
    Map<String, String> users,
    Map<String, List<String>> groups,
    boolean fromEmail,
    java.util.Set<String> emailDomains) {

  public enum Mode {
    /** Every call as Pitcrew's own service account. */
    BOT,
    /** Every call for a request impersonates its requester; the cluster's RBAC decides. */
    REQUESTER
  }

  public KubernetesIdentity {
    users = Map.copyOf(users);
    groups = Map.copyOf(groups);
    emailDomains = java.util.Set.copyOf(emailDomains);
  }

  public static KubernetesIdentity bot() {
    return new KubernetesIdentity(Mode.BOT, Map.of(), Map.of(), false, java.util.Set.of());
  }

  /** Whether a profile email may become a Kubernetes user: its domain is one the policy lists. */
  public boolean emailAllowed(String email) {
    int at = email.lastIndexOf('@');
    return fromEmail
        && at > 0
        && emailDomains.contains(email.substring(at + 1).toLowerCase(java.util.Locale.ROOT));
  }

  public boolean impersonates() {
    return mode == Mode.REQUESTER;
  }

  /** The Kubernetes user named for {@code user} in the explicit map, if any. */
  public Optional<String> mapped(String user) {
    return Optional.ofNullable(users.get(user));
  }
}
