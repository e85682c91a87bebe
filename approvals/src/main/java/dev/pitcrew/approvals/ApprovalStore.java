package dev.pitcrew.approvals;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
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
}
