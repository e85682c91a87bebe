package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;

/** A read-only action: one look at the cluster, described in text, API errors as values. */
abstract class ReadAction extends Action {
  /** Longest list a read returns; the rest is counted, not shown. */
  static final int MAX_ITEMS = 50;

  final KubernetesClient client;
  final Clock clock;

  ReadAction(
      KubernetesClient client, Clock clock, String name, String description, JsonNode schema) {
    super(name, description, schema);
    this.client = client;
    this.clock = clock;
  }

  @Override
  public final Risk risk() {
    return Risk.READ;
  }

  /** What is being read, for error messages: {@code pods in shop}. */
  abstract String describe(JsonNode arguments);

  abstract Outcome read(JsonNode arguments);

  @Override
  public final Outcome execute(JsonNode arguments, ChangeContext context) {
    try {
      return read(arguments);
    } catch (KubernetesClientException e) {
      return KubeFailures.describe(e, "read", describe(arguments));
    }
  }

  static String more(int total) {
    return total > MAX_ITEMS ? "\n… and " + (total - MAX_ITEMS) + " more not shown" : "";
  }
}
