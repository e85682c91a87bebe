package dev.pitcrew.bot.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The clusters Pitcrew acts on. Without names there is one, the home cluster (where the approval
 * store lives); with names, each has its own client, so a cluster that is down fails only its own
 * calls.
 */
public final class Clusters implements AutoCloseable {
  private final KubernetesClient home;
  private final Map<String, KubernetesClient> named;

  private Clusters(KubernetesClient home, Map<String, KubernetesClient> named) {
    this.home = home;
    this.named = named;
  }

  /** One unnamed cluster: runbooks take no {@code cluster} argument. */
  public static Clusters single(KubernetesClient home) {
    return new Clusters(home, Map.of());
  }

  /**
   * Named clusters in the order given, which is the order people and the model see them in.
   *
   * @param home where the approval store lives and readiness is checked
   */
  public static Clusters named(KubernetesClient home, Map<String, KubernetesClient> clusters) {
    return new Clusters(home, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clusters)));
  }

  /** The configured names; empty for a single unnamed cluster. */
  public List<String> names() {
    return List.copyOf(named.keySet());
  }

  public KubernetesClient home() {
    return home;
  }

  /**
   * The client of the named cluster, or the home cluster's for {@code null} when none is named.
   *
   * @throws IllegalArgumentException if {@code name} is not configured (arguments are checked
   *     against the names before they get here)
   */
  public KubernetesClient client(String name) {
    if (name == null && named.isEmpty()) {
      return home;
    }
    KubernetesClient client = name == null ? null : named.get(name);
    if (client == null) {
      throw new IllegalArgumentException(
          "no cluster named " + name + "; configured: " + String.join(", ", named.keySet()));
    }
    return client;
  }

  /**
   * {@code text} with the cluster the call named in front ({@code On cluster prod: ...}), or as it
   * is when clusters are not named: people reading a card, a thread or the audit feed see where.
   */
  public static String named(com.fasterxml.jackson.databind.JsonNode arguments, String text) {
    return dev.pitcrew.runbooks.Runbook.cluster(arguments)
        .map(c -> "On cluster " + c + ": " + text)
        .orElse(text);
  }

  /** Closes the named clusters' clients; the home client belongs to whoever built it. */
  @Override
  public void close() {
    named.values().stream().filter(c -> c != home).forEach(KubernetesClient::close);
  }
}
