package dev.pitcrew.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link Claims} must do. Each implementation's test extends this. */
abstract class ClaimsContract {
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));

  abstract Claims claims();

  /** The claims as another replica sees them: the same object, or another client of the data. */
  Claims asSeenByAnotherReplica(Claims claims) {
    return claims;
  }

  @Test
  void aKeyIsTakenOnceUntilItsTimeRunsOut() {
    Claims one = claims();
    Claims two = asSeenByAnotherReplica(one);

    assertThat(one.claim("slack-event:Ev1", Duration.ofMinutes(10))).isTrue();
    assertThat(two.claim("slack-event:Ev1", Duration.ofMinutes(10))).isFalse();
    assertThat(one.claim("slack-event:Ev1", Duration.ofMinutes(10))).isFalse();
    assertThat(two.claim("slack-event:Ev2", Duration.ofMinutes(10))).isTrue();

    clock.advance(Duration.ofMinutes(11));
    assertThat(two.claim("slack-event:Ev1", Duration.ofMinutes(10))).isTrue();
  }

  @Test
  void ofManyConcurrentClaimsOfOneKeyExactlyOneWins() throws Exception {
    Claims one = claims();
    Claims two = asSeenByAnotherReplica(one);
    int takers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(takers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < takers; i++) {
        Claims replica = i % 2 == 0 ? one : two;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return replica.claim("slack-event:EvRace", Duration.ofHours(1));
                }));
      }
      start.countDown();
      int won = 0;
      for (Future<Boolean> result : results) {
        won += result.get() ? 1 : 0;
      }
      assertThat(won).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void purgingRemovesOnlyClaimsWhoseTimeRanOut() {
    Claims claims = claims();
    claims.claim("short", Duration.ofMinutes(1));
    claims.claim("long", Duration.ofHours(1));
    clock.advance(Duration.ofMinutes(2));

    assertThat(claims.purgeExpired()).isEqualTo(1);
    assertThat(claims.purgeExpired()).isZero();
    assertThat(claims.claim("long", Duration.ofHours(1))).isFalse();
    assertThat(claims.claim("short", Duration.ofHours(1))).isTrue();
  }

  @Test
  void aNoteIsReadByAnotherReplicaUntilTheClaimIsReleasedOrRunsOut() {
    Claims one = claims();
    Claims two = asSeenByAnotherReplica(one);
    assertThat(one.claim("alert:group-1", Duration.ofHours(1))).isTrue();
    assertThat(two.noteOf("alert:group-1")).isEmpty(); // claimed, no note yet

    one.note("alert:group-1", "C0ALERTS 1700000000.000100");
    assertThat(two.noteOf("alert:group-1")).contains("C0ALERTS 1700000000.000100");

    two.release("alert:group-1");
    assertThat(one.noteOf("alert:group-1")).isEmpty();
    assertThat(two.claim("alert:group-1", Duration.ofMinutes(1))).isTrue(); // taken afresh
    two.note("alert:group-1", "C0ALERTS 1700000000.000200");
    clock.advance(Duration.ofMinutes(2));
    assertThat(one.noteOf("alert:group-1")).isEmpty(); // ran out
    one.note("never-claimed", "x"); // nothing to attach to: no error, nothing stored
    assertThat(two.noteOf("never-claimed")).isEmpty();
  }
}
