package dev.pitcrew.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemoryApprovalStoreTest extends ApprovalStoreContract {
  private final AtomicLong nanos = new AtomicLong();

  @Override
  ApprovalStore store() {
    return ApprovalStore.inMemory(nanos::get, Duration.ofHours(1));
  }

  @Test
  void requestsAreForgottenAfterTheirRetention() {
    ApprovalStore store = store();
    store.create(request("apr-1"));

    nanos.addAndGet(Duration.ofMinutes(59).toNanos());
    assertThat(store.find("apr-1")).isPresent();
    nanos.addAndGet(Duration.ofMinutes(2).toNanos());
    assertThat(store.find("apr-1")).isEmpty();
  }
}
