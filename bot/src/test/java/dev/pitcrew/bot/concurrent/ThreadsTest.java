package dev.pitcrew.bot.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ThreadsTest {

  @AfterEach
  void clear() {
    MDC.clear();
  }

  /** Regression: a tool call a full pool ran inline cleared the request's correlation ID. */
  @Test
  void aTaskRunOnTheCallersThreadLeavesTheCallersCorrelationIdInPlace() throws Exception {
    MDC.put("correlation_id", "pc-000000000001");

    Threads.withMdc(() -> MDC.put("correlation_id", "pc-000000000002")).run();
    Threads.withMdc(() -> "ran inline").call();

    assertThat(MDC.get("correlation_id")).isEqualTo("pc-000000000001");
  }

  /** Regression: an audit record inside a request removed the request's correlation ID. */
  @Test
  void aNestedScopeGivesBackTheOuterCorrelationId() {
    try (var outer = LogContext.correlation("pc-00000000000a")) {
      try (var inner = LogContext.correlation("pc-00000000000a")) {
        assertThat(MDC.get("correlation_id")).isEqualTo("pc-00000000000a");
      }
      assertThat(MDC.get("correlation_id")).isEqualTo("pc-00000000000a");
    }
    assertThat(MDC.get("correlation_id")).isNull();
  }

  @Test
  void aTaskOnAnotherThreadSeesTheSubmittersCorrelationIdAndLeavesNoTrace() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(Threads.daemon("test-pool"));
    try {
      MDC.put("correlation_id", "pc-000000000003");
      AtomicReference<String> seen = new AtomicReference<>();
      AtomicReference<String> thread = new AtomicReference<>();
      pool.submit(
              Threads.withMdc(
                  () -> {
                    seen.set(MDC.get("correlation_id"));
                    thread.set(Thread.currentThread().getName());
                  }))
          .get();
      MDC.clear();
      String after = pool.submit(() -> MDC.get("correlation_id")).get();

      assertThat(seen.get()).isEqualTo("pc-000000000003");
      assertThat(thread.get()).isEqualTo("test-pool-1");
      assertThat(after).isNull();
    } finally {
      pool.shutdownNow();
    }
  }
}
