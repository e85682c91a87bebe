package dev.pitcrew.approvals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What every {@link ApprovalStore} must do. Each implementation's test extends this. */
abstract class ApprovalStoreContract {

  abstract ApprovalStore store();

  /**
   * How a second replica sees {@code store}: the same object for a store that lives in one process,
   * a second client of the same backing data for a durable one.
   */
  ApprovalStore asSeenByAnotherReplica(ApprovalStore store) {
    return store;
  }

  private static final Duration LEASE = Duration.ofSeconds(30);
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));

  /** Lets time pass for the store (and the clock the replicas use). */
  void advance(Duration duration) {
    clock.advance(duration);
  }

  private record Replicas(ApprovalStore store, Approvals one, Approvals two) {}

  /** Two replicas over one store, each with its own identity, and an approved request. */
  private Replicas twoReplicas(String id) {
    ApprovalStore first = store();
    ApprovalStore second = asSeenByAnotherReplica(first);
    ApprovalPolicy policy = ApprovalPolicy.of(Set.of("UAPP"));
    Replicas replicas =
        new Replicas(
            first,
            new Approvals(first, policy, clock, "replica-one", LEASE),
            new Approvals(second, policy, clock, "replica-two", LEASE));
    first.create(request(id));
    assertThat(replicas.one().approve(id, "UAPP")).isInstanceOf(Decision.Approved.class);
    return replicas;
  }

  @Test
  void finishedRequestsArePurgedAfterTheirRetentionAndNothingElseIs() {
    ApprovalStore store = store();
    store.create(request("apr-old-done"));
    store.create(request("apr-old-pending"));
    store.create(request("apr-new-done"));
    ApprovalRequest done = store.find("apr-old-done").orElseThrow();
    store.compareAndSet(done, done.withState(ApprovalState.DENIED, "U1"));
    advance(Duration.ofDays(31));
    ApprovalRequest recent = store.find("apr-new-done").orElseThrow();
    store.compareAndSet(recent, recent.withState(ApprovalState.EXPIRED, null));

    List<String> purged = asSeenByAnotherReplica(store).purgeFinished(Duration.ofDays(30));

    assertThat(purged).containsExactly("apr-old-done");
    assertThat(store.find("apr-old-done")).isEmpty();
    assertThat(store.find("apr-old-pending")).isPresent(); // not finished: never purged
    assertThat(store.find("apr-new-done")).isPresent(); // finished, but within retention
    assertThat(store.purgeFinished(Duration.ofDays(30))).isEmpty();
  }

  @Test
  void aLiveExecutionIsNeverTakenOverByAnotherReplica() {
    Replicas r = twoReplicas("apr-live");
    ApprovalRequest approved = r.store().find("apr-live").orElseThrow();

    Optional<ApprovalRequest> done =
        Executing.run(
            r.one(),
            approved,
            executing -> {
              assertThat(executing.lease().owner()).isEqualTo("replica-one");
              // replica two starts and sweeps while replica one is mid-change
              assertThat(r.two().recoverInterrupted()).isEmpty();
              return new Execution(true, "scaled");
            });

    assertThat(done.orElseThrow().state()).isEqualTo(ApprovalState.SUCCEEDED);
    assertThat(r.store().find("apr-live").orElseThrow().result()).isEqualTo("scaled");
  }

  @Test
  void aRenewedLeaseKeepsALongChangeOwned() {
    Replicas r = twoReplicas("apr-long");
    ApprovalRequest approved = r.store().find("apr-long").orElseThrow();

    Optional<ApprovalRequest> done =
        Executing.run(
            r.one(),
            approved,
            executing -> {
              for (int i = 0; i < 5; i++) { // 5 x 20 s: far past one lease, renewed each time
                clock.advance(Duration.ofSeconds(20));
                assertThat(r.one().renewLeases()).isEmpty();
                assertThat(r.two().recoverInterrupted()).isEmpty();
              }
              return new Execution(true, "restarted");
            });

    assertThat(done.orElseThrow().state()).isEqualTo(ApprovalState.SUCCEEDED);
  }

  @Test
  void anExpiredLeaseIsTakenOverAndTheLateFinishDoesNotOverwriteUnknown() {
    Replicas r = twoReplicas("apr-lost");
    ApprovalRequest approved = r.store().find("apr-lost").orElseThrow();
    List<ApprovalRequest> takenOver = new ArrayList<>();

    Optional<ApprovalRequest> done =
        Executing.run(
            r.one(),
            approved,
            executing -> {
              // replica one stops renewing (paused, or cut off from the store) past its lease
              clock.advance(LEASE.plusSeconds(1));
              takenOver.addAll(r.two().recoverInterrupted());
              assertThat(r.one().renewLeases()).containsExactly("apr-lost");
              return new Execution(true, "scaled");
            });

    assertThat(takenOver)
        .singleElement()
        .satisfies(t -> assertThat(t.result()).contains("replica-one"));
    assertThat(done.orElseThrow().state()).isEqualTo(ApprovalState.UNKNOWN);
    ApprovalRequest stored = r.store().find("apr-lost").orElseThrow();
    assertThat(stored.state()).isEqualTo(ApprovalState.UNKNOWN);
    assertThat(stored.result()).doesNotContain("scaled");
    assertThat(r.two().recoverInterrupted()).isEmpty();
  }

  @Test
  void exactlyOneReplicaRunsAnApprovedChange() throws Exception {
    Replicas r = twoReplicas("apr-race");
    ApprovalRequest approved = r.store().find("apr-race").orElseThrow();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Optional<ApprovalRequest>>> results = new ArrayList<>();
      for (Approvals replica : List.of(r.one(), r.two())) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return Executing.run(
                      replica,
                      approved,
                      e -> {
                        runs.incrementAndGet();
                        return new Execution(true, "ran");
                      });
                }));
      }
      go.countDown();
      int finished = 0;
      for (Future<Optional<ApprovalRequest>> f : results) {
        finished += f.get().isPresent() ? 1 : 0;
      }
      assertThat(finished).isEqualTo(1);
      assertThat(runs).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  static ApprovalRequest request(String id) {
    Instant now = Instant.parse("2026-11-21T10:00:00Z");
    return new ApprovalRequest(
        id,
        new Proposal(
            "scale_deployment",
            "shop",
            Json.object("{\"replicas\":5}"),
            "Scale",
            Json.change("spec.replicas", 3, 5),
            "UREQ",
            "pc-1",
            "C1",
            "1.1",
            null),
        Approvals.hash("scale_deployment", Json.object("{\"replicas\":5}")),
        now,
        now.plusSeconds(900),
        1,
        ApprovalState.PENDING,
        List.of(),
        null,
        null,
        null,
        null,
        null,
        null,
        0);
  }

  @Test
  void requestsRoundTripWithEveryField() {
    ApprovalStore store = store();
    ApprovalRequest request = request("apr-9");
    store.create(request);
    ApprovalRequest v1 = store.find("apr-9").orElseThrow();
    ApprovalRequest done =
        store
            .compareAndSet(
                v1,
                v1.withApproval("U1", ApprovalState.APPROVED)
                    .withCard("1.2")
                    .withResult(
                        ApprovalState.SUCCEEDED,
                        new Execution(
                            true,
                            "ok",
                            new Reversal("deployment.scale", Json.object("{\"r\":3}")))))
            .orElseThrow();

    assertThat(store.find("apr-9")).contains(done);
    assertThat(done.proposal()).isEqualTo(request.proposal());
    assertThat(done.approvals()).containsExactly("U1");
    assertThat(done.inverse())
        .isEqualTo(new Reversal("deployment.scale", Json.object("{\"r\":3}")));
    assertThat(done.changes()).isEqualTo(Json.change("spec.replicas", 3, 5));
  }

  @Test
  void requestsAreListedByState() {
    ApprovalStore store = store();
    store.create(request("apr-a"));
    store.create(request("apr-b"));
    ApprovalRequest b = store.find("apr-b").orElseThrow();
    store.compareAndSet(b, b.withState(ApprovalState.EXECUTING, "U1"));

    assertThat(store.inState(ApprovalState.PENDING))
        .extracting(ApprovalRequest::id)
        .containsExactly("apr-a");
    assertThat(store.inState(ApprovalState.EXECUTING))
        .extracting(ApprovalRequest::id)
        .containsExactly("apr-b");
    assertThat(store.inState(ApprovalState.DENIED)).isEmpty();
  }

  @Test
  void createdRequestsCanBeFoundWithAFirstVersion() {
    ApprovalStore store = store();
    store.create(request("apr-1"));

    ApprovalRequest found = store.find("apr-1").orElseThrow();
    assertThat(found.state()).isEqualTo(ApprovalState.PENDING);
    assertThat(found.version()).isEqualTo(1);
    assertThat(store.find("apr-2")).isEmpty();
  }

  @Test
  void creatingTheSameIdTwiceFails() {
    ApprovalStore store = store();
    store.create(request("apr-1"));
    assertThatThrownBy(() -> store.create(request("apr-1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("apr-1");
  }

  @Test
  void compareAndSetFailsOnAStaleVersion() {
    ApprovalStore store = store();
    store.create(request("apr-1"));
    ApprovalRequest v1 = store.find("apr-1").orElseThrow();

    ApprovalRequest v2 =
        store.compareAndSet(v1, v1.withState(ApprovalState.APPROVED, "U1")).orElseThrow();
    assertThat(v2.version()).isEqualTo(2);
    assertThat(store.compareAndSet(v1, v1.withState(ApprovalState.DENIED, "U2"))).isEmpty();
    assertThat(store.find("apr-1").orElseThrow().state()).isEqualTo(ApprovalState.APPROVED);
  }

  /** Regression: two byte-identical writes (a double click in one millisecond) both "won". */
  @Test
  void exactlyOneOfManyWritersOfTheSameValueWins() throws Exception {
    ApprovalStore store = store();
    store.create(request("apr-same"));
    ApprovalRequest v1 = store.find("apr-same").orElseThrow();
    ApprovalRequest next = v1.withApproval("U1", ApprovalState.APPROVED);
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      ApprovalStore mine = asSeenByAnotherReplica(store);
      results.add(
          pool.submit(
              () -> {
                go.await();
                return mine.compareAndSet(v1, next).isPresent();
              }));
    }
    go.countDown();
    int wins = 0;
    for (Future<Boolean> result : results) {
      wins += result.get() ? 1 : 0;
    }
    pool.shutdown();
    assertThat(wins).isEqualTo(1);
  }

  @Test
  void exactlyOneOfManyConcurrentWritersWins() throws Exception {
    ApprovalStore store = store();
    store.create(request("apr-1"));
    ApprovalRequest v1 = store.find("apr-1").orElseThrow();
    int writers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      String user = "U" + i;
      results.add(
          pool.submit(
              () -> {
                go.await();
                return store
                    .compareAndSet(v1, v1.withState(ApprovalState.APPROVED, user))
                    .isPresent();
              }));
    }
    go.countDown();
    int wins = 0;
    for (Future<Boolean> result : results) {
      wins += result.get() ? 1 : 0;
    }
    pool.shutdown();
    assertThat(wins).isEqualTo(1);
    assertThat(store.find("apr-1").orElseThrow().version()).isEqualTo(2);
  }
}
