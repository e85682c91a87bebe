package dev.pitcrew.bot.audit;

import dev.pitcrew.bot.concurrent.LogContext;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a slow sink (the Slack audit channel) from a bounded queue on a thread of its own, so that
 * recording an event never waits on the network. The JSON log has every event already (it is
 * written synchronously by {@link Audit}); here an event that cannot be queued or delivered is
 * logged as lost and counted, never dropped silently.
 */
public final class AsyncAuditSink implements AuditSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AsyncAuditSink.class);

  private final AuditSink delegate;
  private final BlockingQueue<AuditEvent> queue;
  private final Thread feeder;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean closing;

  public AsyncAuditSink(AuditSink delegate, int capacity, ThreadFactory threads) {
    this.delegate = delegate;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.feeder = threads.newThread(this::feed);
    feeder.start();
  }

  @Override
  public void record(AuditEvent event) {
    if (closing || !queue.offer(event)) {
      dropped.incrementAndGet();
      try (var ignored = LogContext.correlation(event.correlationId())) {
        log.error(
            "audit feed {} is full: {} event not sent there (the log above has it)",
            delegate,
            event.type().label());
      }
    }
  }

  private void feed() {
    while (!closing || !queue.isEmpty()) {
      AuditEvent event;
      try {
        event = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (event != null) {
        deliver(event);
      }
    }
  }

  private void deliver(AuditEvent event) {
    try {
      delegate.record(event);
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      try (var ignored = LogContext.correlation(event.correlationId())) {
        log.error(
            "audit feed {} lost a {} event after retries: {}",
            delegate,
            event.type().label(),
            e.getMessage());
      }
    }
  }

  /** Events waiting to be sent. */
  public int backlog() {
    return queue.size();
  }

  /** Events never queued because the queue was full (or the process was stopping). */
  public long dropped() {
    return dropped.get();
  }

  /** Events the sink could not take even after its own retries. */
  public long failed() {
    return failed.get();
  }

  /** Sends what is queued, waiting at most {@code patience}, then stops. */
  public void close(Duration patience) {
    closing = true;
    try {
      feeder.join(patience.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    feeder.interrupt();
    int left = queue.size();
    if (left > 0) {
      dropped.addAndGet(left);
      log.error("audit feed {}: {} events not sent before shutdown", delegate, left);
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  @Override
  public String toString() {
    return "async " + delegate;
  }
}
