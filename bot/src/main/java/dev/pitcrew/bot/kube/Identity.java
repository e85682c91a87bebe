package dev.pitcrew.bot.kube;

import java.util.List;

/**
 * Who a Kubernetes call runs as: Pitcrew's own service account, or a user (and groups) it
 * impersonates.
 *
 * @param user the Kubernetes user name; null for Pitcrew's own account
 */
public record Identity(String user, List<String> groups) {
  private static final Identity BOT = new Identity(null, List.of());

  public Identity {
    groups = List.copyOf(groups);
  }

  public static Identity bot() {
    return BOT;
  }

  public boolean impersonated() {
    return user != null;
  }

  @Override
  public String toString() {
    return user == null ? "Pitcrew's service account" : user;
  }
}
