package dev.pitcrew.approvals;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

final class InMemoryApprovalStore implements ApprovalStore {
  private final ConcurrentMap<String, ApprovalRequest> requests;
  private final Ticker ticker;
  private final ConcurrentMap<String, Long> writtenAt = new ConcurrentHashMap<>();

  InMemoryApprovalStore(Ticker ticker, Duration retention) {
    this.ticker = ticker;
    Cache<String, ApprovalRequest> cache =
        Caffeine.newBuilder().ticker(ticker).expireAfterWrite(retention).build();
    this.requests = cache.asMap();
  }

  @Override
  public void create(ApprovalRequest request) {
    ApprovalRequest previous = requests.putIfAbsent(request.id(), request.withVersion(1));
    if (previous != null) {
      throw new IllegalStateException("approval request " + request.id() + " already exists");
    }
    writtenAt.put(request.id(), ticker.read());
  }

  @Override
  public Optional<ApprovalRequest> find(String id) {
    return Optional.ofNullable(requests.get(id));
  }

  @Override
  public List<ApprovalRequest> inState(ApprovalState state) {
    return requests.values().stream().filter(r -> r.state() == state).toList();
  }

  @Override
  public Optional<ApprovalRequest> compareAndSet(ApprovalRequest expected, ApprovalRequest next) {
    AtomicReference<ApprovalRequest> written = new AtomicReference<>();
    requests.computeIfPresent(
        expected.id(),
        (id, current) -> {
          if (current.version() != expected.version()) {
            return current;
          }
          ApprovalRequest stored = next.withVersion(current.version() + 1);
          written.set(stored);
          writtenAt.put(id, ticker.read());
          return stored;
        });
    return Optional.ofNullable(written.get());
  }

  @Override
  public List<String> purgeFinished(Duration olderThan) {
    long cutoff = ticker.read() - olderThan.toNanos();
    List<String> purged = new java.util.ArrayList<>();
    for (ApprovalRequest request : requests.values()) {
      Long at = writtenAt.get(request.id());
      if (request.state().isFinal()
          && at != null
          && at < cutoff
          && requests.remove(request.id(), request)) {
        writtenAt.remove(request.id());
        purged.add(request.id());
      }
    }
    writtenAt.keySet().retainAll(requests.keySet()); // entries Caffeine expired on its own
    return purged;
  }
}
