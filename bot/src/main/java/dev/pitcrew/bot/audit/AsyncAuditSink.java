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
   * Characters per message, as the sink measures its lines ({@link AuditSink#size}): a little under
   * the 40,000 Slack takes in one message. A storm fills each message instead of queueing a line at
   * a time.
   */
  static final int MAX_MESSAGE_CHARS = 38_000;

  private final AuditSink delegate;
  private final BlockingQueue<AuditEvent> queue;
  private final Duration window;
  private final Thread feeder;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicInteger gathered = new AtomicInteger();

  /** Events not queued since the last message: the next message says how many. */
  private final AtomicLong omitted = new AtomicLong();

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
      omitted.incrementAndGet();
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
    AuditEvent carried = null; // taken, but over the last message's size: first of the next
    while (!closing || !queue.isEmpty() || carried != null) {
      int chars = 0;
      try {
        boolean fromCarry = carried != null;
        AuditEvent first = fromCarry ? carried : queue.poll(200, TimeUnit.MILLISECONDS);
        carried = null;
        if (first == null && omitted.get() == 0) {
          continue;
        }
        if (fromCarry) {
          batch.add(first); // counted as gathered when it was carried over
          chars += delegate.size(first);
        } else if (first != null) {
          chars += take(batch, first);
        }
        // Gather for one window from the first event, so at most one message goes out per window;
        // when closing, send what there is at once.
        long sendAt = System.nanoTime() + window.toNanos();
        while (!closing && carried == null) {
          long left = sendAt - System.nanoTime();
          if (left <= 0) {
            break;
          }
          AuditEvent next = queue.poll(left, TimeUnit.NANOSECONDS);
          if (next == null) {
            continue;
          }
          if (chars + delegate.size(next) > MAX_MESSAGE_CHARS && !batch.isEmpty()) {
            carried = next; // full: the rest waits for the next window, the channel's rate
            gathered.incrementAndGet();
            long rest = sendAt - System.nanoTime();
            if (rest > 0) {
              TimeUnit.NANOSECONDS.sleep(rest);
            }
          } else {
            chars += take(batch, next);
          }
        }
        // What arrived as the window ran out goes along, while it fits.
        while (carried == null) {
          AuditEvent next = queue.poll();
          if (next == null) {
            break;
          }
          if (chars + delegate.size(next) > MAX_MESSAGE_CHARS && !batch.isEmpty()) {
            carried = next;
            gathered.incrementAndGet();
          } else {
            chars += take(batch, next);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      int gatheredHere = batch.size();
      long missed = omitted.getAndSet(0);
      if (missed > 0) {
        // Said in the channel itself: the feed was over what it can carry, and the log has them.
        batch.add(
            new AuditEvent(
                java.time.Instant.now(),
                AuditEvent.Type.OMITTED,
                "pc-000000000000",
                "pitcrew",
                missed
                    + (missed == 1 ? " audit event was" : " audit events were")
                    + " not posted here (the feed was full); the JSON log has every one",
                null,
                null));
      }
      if (!batch.isEmpty()) {
        deliver(batch);
        gathered.addAndGet(-gatheredHere);
        batch.clear();
      }
      if (Thread.currentThread().isInterrupted()) {
        if (carried != null) {
          gathered.decrementAndGet();
        }
        return;
      }
    }
  }

  private int take(List<AuditEvent> batch, AuditEvent event) {
    batch.add(event);
    gathered.incrementAndGet();
    return delegate.size(event);
  }

  private void deliver(List<AuditEvent> batch) {
    try {
      delegate.recordAll(List.copyOf(batch));
    } catch (RuntimeException e) {
      // The line counting omitted events is not an event: those were counted as dropped.
      failed.addAndGet(batch.stream().filter(ev -> ev.type() != AuditEvent.Type.OMITTED).count());
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
