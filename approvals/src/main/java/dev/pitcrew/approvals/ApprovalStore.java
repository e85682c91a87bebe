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
    return new KubernetesApprovalStore(client, namespace);
  }
}
