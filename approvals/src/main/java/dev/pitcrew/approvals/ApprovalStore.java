package dev.pitcrew.approvals;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where approval requests live. Every implementation passes the same contract test: creation is
 * unique, and {@link #compareAndSet} succeeds for exactly one of any number of concurrent callers
 * holding the same version.
 */
public interface ApprovalStore {

  /**
   * Stores a new request.
   *
   * @throws IllegalStateException if a request with the same ID exists
   */
  void create(ApprovalRequest request);

  Optional<ApprovalRequest> find(String id);

  /** Every stored request in {@code state}. */
  List<ApprovalRequest> inState(ApprovalState state);

  /**
   * Replaces the stored request with {@code next} if it is still at {@code expected.version()}.
   *
   * @return the stored value (with its new version) on success, empty if someone else won
   */
  Optional<ApprovalRequest> compareAndSet(ApprovalRequest expected, ApprovalRequest next);

  /**
   * Deletes requests in a final state last written more than {@code olderThan} ago. The audit
   * channel and the logs keep the history. Safe on every replica at once: a request written in
   * between is kept, and one another replica deleted first is simply gone.
   *
   * @return the IDs this call deleted
   */
  List<String> purgeFinished(Duration olderThan);

  /**
   * A single-process store. Requests are kept for {@code retention} after their last change,
   * measured by {@code ticker}.
   */
  static ApprovalStore inMemory(Ticker ticker, Duration retention) {
    return new InMemoryApprovalStore(ticker, retention);
  }

  /**
   * A durable store: one ConfigMap per request in {@code namespace}, every transition a
   * compare-and-set on its resourceVersion, so restarts lose nothing and replicas share it.
   */
  static ApprovalStore kubernetes(
      io.fabric8.kubernetes.client.KubernetesClient client, String namespace) {
    return kubernetes(client, namespace, java.time.Clock.systemUTC());
  }

  /**
   * As {@link #kubernetes(io.fabric8.kubernetes.client.KubernetesClient, String)}, timed by {@code
   * clock}.
   */
  static ApprovalStore kubernetes(
      io.fabric8.kubernetes.client.KubernetesClient client,
      String namespace,
      java.time.Clock clock) {
    return kubernetes(client, namespace, clock, Optional.empty(), problem -> {});
  }

  /**
   * As {@link #kubernetes(io.fabric8.kubernetes.client.KubernetesClient, String, java.time.Clock)},
   * every request signed with {@code seal}: one whose signature does not verify (rewritten by
   * someone who may write ConfigMaps but lacks the key) is never returned, and {@code rejected}
   * hears of it, as of any ConfigMap with the store's label that holds no readable request.
   */
  static ApprovalStore kubernetes(
      io.fabric8.kubernetes.client.KubernetesClient client,
      String namespace,
      java.time.Clock clock,
      Optional<StoreSeal> seal,
      java.util.function.Consumer<String> rejected) {
    return new KubernetesApprovalStore(client, namespace, clock, seal, rejected);
  }
}
