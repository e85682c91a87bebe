package dev.pitcrew.bot.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitcrew.bot.concurrent.Threads;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AsyncAuditSinkTest {

  /** A channel that takes batches: what each held, and when it came. */
  private static class BatchRecorder implements AuditSink {
    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    final List<Long> sentAt = new CopyOnWriteArrayList<>();

    @Override
    public void record(AuditEvent event) {
      recordAll(List.of(event));
    }

    @Override
    public void recordAll(List<AuditEvent> events) {
      sentAt.add(System.nanoTime());
      batches.add(events.stream().map(AuditEvent::summary).toList());
    }
  }

  /** A channel that holds its first message until released: the feeder is busy meanwhile. */
  private static class HeldChannel extends BatchRecorder {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch hold = new CountDownLatch(1);

    @Override
    public void recordAll(List<AuditEvent> events) {
      started.countDown();
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      delivered(events);
    }

    /** After the hold: a working channel records the batch. */
    void delivered(List<AuditEvent> events) {
      super.recordAll(events);
    }

    /** Records one event, waits until the feeder is stuck on it, then fills the queue of one. */
    void fill(AsyncAuditSink feed, String... more) throws InterruptedException {
      feed.record(event("taken by the feeder"));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      for (String summary : more) {
        feed.record(event(summary));
      }
    }
  }

  private static AuditEvent event(String summary) {
    return new AuditEvent(
        Instant.EPOCH, AuditEvent.Type.ASKED, "pc-000000000001", "U1", summary, "C1", "1.1");
  }

  @Test
  void recordingNeverWaitsForASlowSinkAndEveryEventIsDelivered() throws Exception {
    CountDownLatch slack = new CountDownLatch(1);
    List<String> delivered = new CopyOnWriteArrayList<>();
    AsyncAuditSink feed =
        new AsyncAuditSink(
            e -> {
              try {
                slack.await(); // Slack hangs
              } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
              }
              delivered.add(e.summary());
            },
            100,
            Duration.ofMillis(20),
            Threads.daemon("test-audit-feed"));
    try {
      for (int i = 0; i < 10; i++) {
        feed.record(event("e" + i)); // returns although the sink is stuck
      }
      // Queued, or gathered into a message the stuck sink has not taken: all still owed.
      assertThat(feed.backlog()).isBetween(9, 10);

      slack.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 10);
      assertThat(delivered).startsWith("e0", "e1").endsWith("e9");
      assertThat(feed.dropped()).isZero();
    } finally {
      feed.close();
    }
  }

  @Test
  void aFullQueueAndAFailingSinkAreCountedNotSilent() throws Exception {
    HeldChannel channel =
        new HeldChannel() {
          @Override
          void delivered(List<AuditEvent> events) {
            throw new IllegalStateException("chat.postMessage failed after 5 attempts");
          }
        };
    AsyncAuditSink feed =
        new AsyncAuditSink(channel, 1, Duration.ofMillis(20), Threads.daemon("test-audit-feed"));
    try {
      channel.fill(feed, "queued", "no room");
      assertThat(feed.dropped()).isEqualTo(1);

      channel.hold.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> feed.failed() == 2);
    } finally {
      feed.close();
    }
  }

  @Test
  void eventsOfOneWindowGoOutAsOneBatchAndBatchesAreAWindowApart() throws Exception {
    BatchRecorder channel = new BatchRecorder();
    List<List<String>> batches = channel.batches;
    List<Long> sentAt = channel.sentAt;
    Duration window = Duration.ofMillis(500);
    AsyncAuditSink feed =
        new AsyncAuditSink(channel, 100, window, Threads.daemon("test-audit-feed"));
    try {
      for (int i = 0; i < 5; i++) {
        feed.record(event("first" + i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 1);
      for (int i = 0; i < 3; i++) {
        feed.record(event("second" + i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 2);

      assertThat(batches.get(0)).containsExactly("first0", "first1", "first2", "first3", "first4");
      assertThat(batches.get(1)).containsExactly("second0", "second1", "second2");
      // The channel's rate: never two messages within one window.
      assertThat(sentAt.get(1) - sentAt.get(0)).isGreaterThanOrEqualTo(window.toNanos());
      assertThat(feed.backlog()).isZero();
    } finally {
      feed.close();
    }
  }

  @Test
  void aBurstLargerThanOneMessageIsSplitAndNothingIsLost() throws Exception {
    BatchRecorder channel = new BatchRecorder();
    AsyncAuditSink feed =
        new AsyncAuditSink(
            channel, 1_000, Duration.ofMillis(20), Threads.daemon("test-audit-feed"));
    try {
      for (int i = 0; i < 60; i++) {
        feed.record(event("e" + i));
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> channel.batches.stream().mapToInt(List::size).sum() == 60);
      // The default size of a line is 1,200 characters: 31 fit in one message.
      assertThat(channel.batches.stream().map(List::size).toList())
          .allSatisfy(
              n -> assertThat(n * 1_200).isLessThanOrEqualTo(AsyncAuditSink.MAX_MESSAGE_CHARS))
          .hasSizeGreaterThanOrEqualTo(2);
      assertThat(feed.dropped()).isZero();
    } finally {
      feed.close();
    }
  }

  /**
   * A storm: messages are filled up to what Slack takes, so a feed of one message a window carries
   * lines of a realistic length (about 250 characters) by the hundred, in order, none lost.
   */
  @Test
  void aStormFillsEachMessageUpToItsSizeAndLosesNothing() throws Exception {
    CountDownLatch allRecorded = new CountDownLatch(1);
    BatchRecorder channel =
        new BatchRecorder() {
          @Override
          public int size(AuditEvent event) {
            return 250;
          }

          @Override
          public void recordAll(List<AuditEvent> events) {
            try {
              // The first message waits until the storm is queued, however slow the recording
              // thread is: what follows is a backlog, as in a storm.
              allRecorded.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            super.recordAll(events);
          }
        };
    AsyncAuditSink feed =
        new AsyncAuditSink(
            channel, 10_000, Duration.ofMillis(20), Threads.daemon("test-audit-feed"));
    try {
      for (int i = 0; i < 3_000; i++) {
        feed.record(event("e" + i));
      }
      allRecorded.countDown();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> channel.batches.stream().mapToInt(List::size).sum() == 3_000);
      // 152 lines of 250 characters fit in 38,000: the first message, then at most 20 full
      // ones, where 25 lines a message made 120.
      assertThat(channel.batches).hasSizeLessThanOrEqualTo(21);
      assertThat(channel.batches.stream().flatMap(List::stream).toList())
          .startsWith("e0", "e1")
          .endsWith("e2999")
          .doesNotHaveDuplicates();
      assertThat(feed.dropped()).isZero();
    } finally {
      feed.close();
    }
  }

  @Test
  void whatAFullFeedCouldNotCarryIsCountedInTheChannelItself() throws Exception {
    HeldChannel channel = new HeldChannel();
    AsyncAuditSink feed =
        new AsyncAuditSink(channel, 1, Duration.ofMillis(20), Threads.daemon("test-audit-feed"));
    try {
      channel.fill(feed, "queued", "no room 1", "no room 2");
      assertThat(feed.dropped()).isEqualTo(2);

      channel.hold.countDown();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  channel.batches.stream().flatMap(List::stream).anyMatch(s -> s.startsWith("2 ")));
      assertThat(channel.batches.stream().flatMap(List::stream))
          .contains("taken by the feeder", "queued")
          .contains(
              "2 audit events were not posted here (the feed was full); the JSON log has every"
                  + " one");
    } finally {
      feed.close();
    }
  }
}
