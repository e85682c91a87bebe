package dev.pitcrew.bot.kube;

import java.util.Optional;

/** A chat user's profile email, for mapping them to a Kubernetes user. Implementations cache. */
@FunctionalInterface
public interface UserDirectory {

  /** The email on {@code user}'s profile; empty if there is none or it cannot be read. */
  Optional<String> email(String user);

  /** No profiles: only users mapped explicitly have a Kubernetes user. */
  static UserDirectory none() {
    return user -> Optional.empty();
  }
}
