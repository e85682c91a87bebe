package dev.pitcrew.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ApprovalsTest {
  private static final String REQUESTER = "UREQ";

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));
  private final ApprovalStore store =
      ApprovalStore.inMemory(() -> clock.millis() * 1_000_000L, Duration.ofDays(1));
  private final Approvals approvals =
      new Approvals(store, ApprovalPolicy.of(Set.of("UAPP1", "UAPP2", REQUESTER)), clock);

  private ApprovalRequest open() {
    return approvals.open(
        new Proposal(
            "scale_deployment",
            "shop",
            Json.object("{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}"),
            "Scale deployment shop/checkout from 3 to 5 replicas",
            Json.change("spec.replicas", 3, 5),
            REQUESTER,
            "pc-0123456789ab",
            "C1",
            "1.1",
            null));
  }

  @Test
  void openedRequestIsPendingWithAnUnguessableIdAndDefaultExpiry() {
    ApprovalRequest request = open();

    assertThat(request.state()).isEqualTo(ApprovalState.PENDING);
    assertThat(request.id()).matches("apr-[0-9a-f]{32}");
    assertThat(request.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
    assertThat(open().id()).isNotEqualTo(request.id());
  }

  @Test
  void approverCannotApproveOwnRequest() {
    ApprovalRequest request = open();

    Decision decision = approvals.approve(request.id(), REQUESTER);

    assertThat(decision).isInstanceOf(Decision.Refused.class);
    assertThat(((Decision.Refused) decision).reason()).contains("someone else");
    assertThat(store.find(request.id()).orElseThrow().state()).isEqualTo(ApprovalState.PENDING);
  }

  @Test
  void selfApprovalWorksOnlyWhenThePolicyAllowsIt() {
    Approvals lenient =
        new Approvals(
            store,
            new ApprovalPolicy(
                new ApprovalRule(Set.of(REQUESTER), Set.of(), 1, true, Duration.ofMinutes(5)),
                Map.of(),
                Map.of(),
                GroupDirectory.none()),
            clock);
    ApprovalRequest request =
        lenient.open(
            new Proposal(
                "r",
                null,
                Json.object("{}"),
                "s",
                List.of(),
                REQUESTER,
                "pc-1",
                "C1",
                "1.1",
                null));
    assertThat(lenient.approve(request.id(), REQUESTER)).isInstanceOf(Decision.Approved.class);
  }

  @Test
  void nonApproverIsRefused() {
    ApprovalRequest request = open();
    Decision decision = approvals.approve(request.id(), "UBYSTANDER");
    assertThat(((Decision.Refused) decision).reason()).contains("not an approver");
  }

  @Test
  void approverApprovesOnceAndLaterClicksSeeWhoDecided() {
    ApprovalRequest request = open();

    Decision first = approvals.approve(request.id(), "UAPP1");
    Decision second = approvals.approve(request.id(), "UAPP2");
    Decision deny = approvals.deny(request.id(), "UAPP2");

    assertThat(first).isInstanceOf(Decision.Approved.class);
    assertThat(((Decision.Approved) first).request().decidedBy()).isEqualTo("UAPP1");
    assertThat(second).isInstanceOf(Decision.AlreadyDecided.class);
    assertThat(((Decision.AlreadyDecided) second).request().decidedBy()).isEqualTo("UAPP1");
    assertThat(deny).isInstanceOf(Decision.AlreadyDecided.class);
  }

  @Test
  void denyIsFinal() {
    ApprovalRequest request = open();

    assertThat(approvals.deny(request.id(), "UAPP1")).isInstanceOf(Decision.Denied.class);
    assertThat(approvals.approve(request.id(), "UAPP2"))
        .isInstanceOf(Decision.AlreadyDecided.class);
    assertThat(store.find(request.id()).orElseThrow().state()).isEqualTo(ApprovalState.DENIED);
  }

  @Test
  void requesterMayWithdrawButBystanderMayNotDeny() {
    ApprovalRequest request = open();
    assertThat(approvals.deny(request.id(), "UBYSTANDER")).isInstanceOf(Decision.Refused.class);
    assertThat(approvals.deny(request.id(), REQUESTER)).isInstanceOf(Decision.Denied.class);
  }

  @Test
  void expiredRequestCannotBeApproved() {
    ApprovalRequest request = open();
    clock.advance(Duration.ofMinutes(15));

    Decision decision = approvals.approve(request.id(), "UAPP1");

    assertThat(decision).isInstanceOf(Decision.Expired.class);
    assertThat(store.find(request.id()).orElseThrow().state()).isEqualTo(ApprovalState.EXPIRED);
    assertThat(approvals.approve(request.id(), "UAPP2")).isInstanceOf(Decision.Expired.class);
  }

  @Test
  void unknownIdIsNotFound() {
    assertThat(approvals.approve("apr-nope", "UAPP1")).isEqualTo(new Decision.NotFound("apr-nope"));
  }

  @Test
  void manyApproversClickingAtOnceExecuteTheChangeOnce() throws Exception {
    ApprovalRequest request = open();
    AtomicInteger executions = new AtomicInteger();
    int clicks = 32;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < clicks; i++) {
      String user = i % 2 == 0 ? "UAPP1" : "UAPP2";
      futures.add(
          pool.submit(
              () -> {
                go.await();
                if (approvals.approve(request.id(), user) instanceof Decision.Approved a) {
                  Executing.run(
                      approvals,
                      a.request(),
                      r -> {
                        executions.incrementAndGet();
                        return new Execution(true, "scaled");
                      });
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();

    assertThat(executions).hasValue(1);
    ApprovalRequest done = store.find(request.id()).orElseThrow();
    assertThat(done.state()).isEqualTo(ApprovalState.SUCCEEDED);
    assertThat(done.result()).isEqualTo("scaled");
  }

  @Test
  void executingTheSameApprovalTwiceRunsOnce() {
    ApprovalRequest request = open();
    Decision.Approved approved = (Decision.Approved) approvals.approve(request.id(), "UAPP1");
    AtomicInteger executions = new AtomicInteger();

    var first =
        Executing.run(
            approvals,
            approved.request(),
            r -> {
              executions.incrementAndGet();
              return new Execution(false, "conflict");
            });
    var second =
        Executing.run(
            approvals,
            approved.request(),
            r -> {
              executions.incrementAndGet();
              return new Execution(true, "again");
            });

    assertThat(executions).hasValue(1);
    assertThat(first.orElseThrow().state()).isEqualTo(ApprovalState.FAILED);
    assertThat(second).isEmpty();
  }

  @Test
  void tamperedArgumentsAreNotExecuted() {
    ApprovalRequest request = open();
    Decision.Approved approved = (Decision.Approved) approvals.approve(request.id(), "UAPP1");
    ApprovalRequest current = store.find(request.id()).orElseThrow();
    Proposal p = current.proposal();
    ApprovalRequest tampered =
        new ApprovalRequest(
            current.id(),
            new Proposal(
                p.runbook(),
                p.namespace(),
                Json.object("{\"replicas\":500}"),
                p.previewSummary(),
                p.changes(),
                p.requester(),
                p.correlationId(),
                p.channel(),
                p.thread(),
                p.undoOf()),
            current.argumentsHash(),
            current.createdAt(),
            current.expiresAt(),
            current.requiredApprovals(),
            current.state(),
            current.approvals(),
            current.decidedBy(),
            current.card(),
            current.result(),
            current.inverse(),
            current.lease(),
            current.undo(),
            current.version());
    store.compareAndSet(current, tampered);
    AtomicInteger executions = new AtomicInteger();

    var done =
        Executing.run(
            approvals,
            store.find(request.id()).orElseThrow(),
            r -> {
              executions.incrementAndGet();
              return new Execution(true, "ran");
            });

    assertThat(approved.request().arguments().path("replicas").asInt()).isEqualTo(5);
    assertThat(executions).hasValue(0);
    assertThat(done.orElseThrow().state()).isEqualTo(ApprovalState.FAILED);
    assertThat(done.orElseThrow().result()).contains("differ from the approved ones");
  }

  @Test
  void theInverseIsRecordedWithTheResult() {
    ApprovalRequest request = open();
    Decision.Approved approved = (Decision.Approved) approvals.approve(request.id(), "UAPP1");

    var done =
        Executing.run(
            approvals,
            approved.request(),
            r ->
                new Execution(
                    true,
                    "scaled",
                    new Reversal("deployment.scale", Json.object("{\"replicas\":3}"))));

    assertThat(done.orElseThrow().inverse().arguments().path("replicas").asInt()).isEqualTo(3);
  }

  @Test
  void aThrowingChangeIsRecordedAsFailed() {
    ApprovalRequest request = open();
    Decision.Approved approved = (Decision.Approved) approvals.approve(request.id(), "UAPP1");

    var done =
        Executing.run(
            approvals,
            approved.request(),
            r -> {
              throw new IllegalStateException("boom");
            });

    assertThat(done.orElseThrow().state()).isEqualTo(ApprovalState.FAILED);
    assertThat(done.orElseThrow().result()).contains("boom");
  }

  @Test
  void cardAttachedWhileExecutingDoesNotLoseTheResult() {
    ApprovalRequest request = open();
    Decision.Approved approved = (Decision.Approved) approvals.approve(request.id(), "UAPP1");

    var done =
        Executing.run(
            approvals,
            approved.request(),
            r -> {
              approvals.attachCard(r.id(), "1700000000.000200");
              return new Execution(true, "scaled");
            });

    assertThat(done.orElseThrow().state()).isEqualTo(ApprovalState.SUCCEEDED);
    assertThat(done.orElseThrow().card()).isEqualTo("1700000000.000200");
  }

  @Test
  void restartTurnsExecutingIntoUnknownAndNeverReRuns() {
    ApprovalRequest request = open();
    Decision.Approved approved = (Decision.Approved) approvals.approve(request.id(), "UAPP1");
    // Simulate a crash mid-execution: EXECUTING stored, the process gone.
    store.compareAndSet(
        approved.request(), approved.request().withState(ApprovalState.EXECUTING, "UAPP1"));
    Approvals afterRestart =
        new Approvals(store, ApprovalPolicy.of(Set.of("UAPP1", "UAPP2")), clock);

    List<ApprovalRequest> recovered = afterRestart.recoverInterrupted();

    assertThat(recovered)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(ApprovalState.UNKNOWN);
              assertThat(r.result()).contains("was not run again");
            });
    AtomicInteger runs = new AtomicInteger();
    assertThat(
            Executing.run(
                afterRestart,
                recovered.get(0),
                r -> {
                  runs.incrementAndGet();
                  return new Execution(true, "ran");
                }))
        .isEmpty();
    assertThat(runs).hasValue(0);
    assertThat(afterRestart.recoverInterrupted()).isEmpty();
  }

  @Test
  void sweeperExpiresOnlyWhatIsDue() {
    ApprovalRequest early = open();
    clock.advance(Duration.ofMinutes(10));
    ApprovalRequest late = open();
    clock.advance(Duration.ofMinutes(6));

    assertThat(approvals.expireDue()).extracting(ApprovalRequest::id).containsExactly(early.id());
    assertThat(store.find(late.id()).orElseThrow().state()).isEqualTo(ApprovalState.PENDING);
    assertThat(approvals.expireDue()).isEmpty();
  }

  @Test
  void approveRacingDenyTheFirstDecisionIsFinal() throws Exception {
    for (int round = 0; round < 20; round++) {
      ApprovalRequest request = open();
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      Future<Decision> approve =
          pool.submit(
              () -> {
                go.await();
                return approvals.approve(request.id(), "UAPP1");
              });
      Future<Decision> deny =
          pool.submit(
              () -> {
                go.await();
                return approvals.deny(request.id(), "UAPP2");
              });
      go.countDown();
      Decision a = approve.get();
      Decision d = deny.get();
      pool.shutdown();
      boolean approvedWon = a instanceof Decision.Approved;
      boolean deniedWon = d instanceof Decision.Denied;
      assertThat(approvedWon ^ deniedWon).as("exactly one decision wins").isTrue();
      assertThat(approvedWon ? d : a).isInstanceOf(Decision.AlreadyDecided.class);
      assertThat(store.find(request.id()).orElseThrow().state())
          .isEqualTo(approvedWon ? ApprovalState.APPROVED : ApprovalState.DENIED);
    }
  }

  @Test
  void staleApprovalIsRefusedAndCannotRun() {
    ApprovalRequest request = open();
    Decision.Approved approved = (Decision.Approved) approvals.approve(request.id(), "UAPP1");

    ApprovalRequest stale =
        approvals
            .markStale(approved.request(), "replicas are now 4, the card showed 3")
            .orElseThrow();

    assertThat(stale.state()).isEqualTo(ApprovalState.STALE);
    assertThat(stale.result()).contains("replicas are now 4");
    assertThat(Executing.run(approvals, approved.request(), r -> new Execution(true, "ran")))
        .isEmpty();
  }

  @Test
  void anUndoIsClaimedOnceUntilItEndsWithoutRunning() {
    ApprovalRequest original = open();
    assertThat(approvals.claimUndo(original.id())).isEmpty();
    assertThat(approvals.claimUndo(original.id()))
        .hasValueSatisfying(why -> assertThat(why).contains("being proposed right now"));

    ApprovalRequest undo = open();
    approvals.recordUndo(original.id(), undo.id());
    approvals.releaseUndoClaim(original.id()); // a recorded undo is not a claim: it stays
    assertThat(approvals.claimUndo(original.id()))
        .hasValueSatisfying(why -> assertThat(why).contains(undo.id()).contains("pending"));

    approvals.deny(undo.id(), "UAPP1");
    assertThat(approvals.claimUndo(original.id())).isEmpty(); // the denied undo may be asked again
  }

  @Test
  void aClaimWhoseClaimerVanishedLapsesAfterAMinute() {
    ApprovalRequest original = open();
    assertThat(approvals.claimUndo(original.id())).isEmpty();

    clock.advance(java.time.Duration.ofSeconds(61));

    assertThat(approvals.claimUndo(original.id())).isEmpty();
  }
}
