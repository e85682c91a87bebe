package dev.pitcrew.bot.kube;

import dev.pitcrew.approvals.GroupDirectory;
import dev.pitcrew.approvals.KubernetesIdentity;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Maps a chat user to the Kubernetes identity their requests run as. With {@code kubernetes.
 * identity: bot} everyone runs as Pitcrew's service account; with {@code requester}, as their
 * mapped user (the explicit map first, else their profile email) and the groups of the chat groups
 * they are in. Someone with no mapping is refused, never given Pitcrew's own rights.
 */
public final class Identities {
  private static final java.util.regex.Pattern EMAIL =
      java.util.regex.Pattern.compile("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$");
  private final KubernetesIdentity policy;
  private final UserDirectory users;
  private final GroupDirectory groups;

  public Identities(KubernetesIdentity policy, UserDirectory users, GroupDirectory groups) {
    this.policy = policy;
    this.users = users;
    this.groups = groups;
  }

  public boolean impersonates() {
    return policy.impersonates();
  }

  /** As whom a chat user's calls run, or why they cannot run at all. */
  public sealed interface Resolution {}

  public record Known(Identity identity) implements Resolution {}

  public record Unmapped(String reason) implements Resolution {}

  /** As whom {@code chatUser}'s calls run, or why they cannot run at all. */
  public Resolution of(String chatUser) {
    if (!policy.impersonates()) {
      return new Known(Identity.bot());
    }
    Optional<String> email =
        policy.mapped(chatUser).isPresent() || !policy.fromEmail()
            ? Optional.empty()
            : users.email(chatUser);
    Optional<String> user = policy.mapped(chatUser).or(() -> email.filter(policy::emailAllowed));
    if (user.isEmpty()) {
      return new Unmapped(
          "Pitcrew acts on the cluster as the person who asks, and "
              + chatUser
              + " has no Kubernetes user: not in the policy's kubernetes.users"
              + (!policy.fromEmail()
                  ? ""
                  : email.isEmpty()
                      ? " and no confirmed email of this workspace on their profile"
                      : " and their profile email is not of a domain in kubernetes.emailDomains")
              + ". Ask whoever runs Pitcrew to map you");
    }
    if (policy.mapped(chatUser).isEmpty() && !EMAIL.matcher(user.get()).matches()) {
      // A profile is the user's own text: only a plain address may become a Kubernetes user,
      // never a system: name or anything a header could not carry.
      return new Unmapped(
          "Pitcrew acts on the cluster as the person who asks, and the email on "
              + chatUser
              + "'s profile is not a plain address it will act as. Ask whoever runs Pitcrew to map"
              + " you in kubernetes.users");
    }
    Set<String> kubeGroups = new LinkedHashSet<>();
    policy
        .groups()
        .forEach(
            (chatGroup, names) -> {
              if (groups.members(chatGroup).contains(chatUser)) {
                kubeGroups.addAll(names);
              }
            });
    return new Known(new Identity(user.get(), List.copyOf(kubeGroups)));
  }
}
