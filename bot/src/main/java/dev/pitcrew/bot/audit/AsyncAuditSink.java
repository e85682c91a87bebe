package dev.pitcrew.bot.audit;

import dev.pitcrew.bot.concurrent.LogContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a slow sink (the Slack audit channel) from a bounded queue on a thread of its own, so that
 * recording an event never waits on the network. Events of one {@code window} go to the sink
 * together ({@link AuditSink#recordAll}), and a batch is handed over at most once per window: a
 * Slack channel takes about one message a second, and a busy incident makes many events. The JSON
 * log has every event already (it is written synchronously by {@link Audit}); here an event that
 * cannot be queued or delivered is logged as lost and counted, never dropped silently.
 */
public final class AsyncAuditSink implements AuditSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AsyncAuditSink.class);

  /** Slack's rate for posting to one channel: about one message per second. */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(1);

  /**
   * Lines per message: 25 lines of at most about 1,200 characters stay far below Slack's 40,000.
   */
  static final int MAX_BATCH = 25;

  private final AuditSink delegate;
  private final BlockingQueue<AuditEvent> queue;
  private final Duration window;
  private final Thread feeder;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicInteger gathered = new AtomicInteger();
  private volatile boolean closing;

  public AsyncAuditSink(AuditSink delegate, int capacity, ThreadFactory threads) {
    this(delegate, capacity, DEFAULT_WINDOW, threads);
  }

  public AsyncAuditSink(AuditSink delegate, int capacity, Duration window, ThreadFactory threads) {
    this.delegate = delegate;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.window = window;
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
    List<AuditEvent> batch = new ArrayList<>();
    while (!closing || !queue.isEmpty()) {
      try {
        AuditEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        take(batch, first);
        // Gather for one window from the first event, so at most one message goes out per window;
        // when closing, send what there is at once.
        long sendAt = System.nanoTime() + window.toNanos();
        while (!closing) {
          long left = sendAt - System.nanoTime();
          if (left <= 0) {
            break;
          }
          AuditEvent next =
              batch.size() < MAX_BATCH ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
          if (next != null) {
            take(batch, next);
          } else if (batch.size() >= MAX_BATCH) {
            TimeUnit.NANOSECONDS.sleep(left); // full: hold it to the channel's rate
          }
        }
        // What arrived as the window ran out goes along, up to a full message.
        gathered.addAndGet(queue.drainTo(batch, MAX_BATCH - batch.size()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (!batch.isEmpty()) {
        deliver(batch);
        gathered.addAndGet(-batch.size());
        batch.clear();
      }
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }

  private void take(List<AuditEvent> batch, AuditEvent event) {
    batch.add(event);
    gathered.incrementAndGet();
  }

  private void deliver(List<AuditEvent> batch) {
    try {
      delegate.recordAll(List.copyOf(batch));
    } catch (RuntimeException e) {
      failed.addAndGet(batch.size());
      for (AuditEvent event : batch) {
        try (var ignored = LogContext.correlation(event.correlationId())) {
          log.error(
              "audit feed {} lost a {} event after retries: {}",
              delegate,
              event.type().label(),
              e.getMessage());
        }
      }
    }
  }

  /** Events waiting to be sent: queued, or gathered into the next message. */
  public int backlog() {
    return queue.size() + gathered.get();
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
    int left = backlog();
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
