package dev.pitcrew.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemoryApprovalStoreTest extends ApprovalStoreContract {
  private final AtomicLong nanos = new AtomicLong();

  @Override
  ApprovalStore store() {
    return ApprovalStore.inMemory(nanos::get, Duration.ofDays(60));
  }

  @Override
  void advance(Duration duration) {
    super.advance(duration);
    nanos.addAndGet(duration.toNanos());
  }

  @Test
  void requestsAreForgottenAfterTheirRetention() {
    ApprovalStore store = store();
    store.create(request("apr-1"));

    nanos.addAndGet(Duration.ofDays(59).toNanos());
    assertThat(store.find("apr-1")).isPresent();
    nanos.addAndGet(Duration.ofDays(2).toNanos());
    assertThat(store.find("apr-1")).isEmpty();
  }
}
