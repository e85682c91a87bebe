package dev.pitcrew.approvals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The approval state machine. Thread-safe; every transition is a compare-and-set on the store, so
 * double clicks, racing approvers and retried deliveries decide and execute a request once.
 */
public final class Approvals {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ApprovalStore store;
  private final ApprovalPolicy policy;
  private final Clock clock;

  public Approvals(ApprovalStore store, ApprovalPolicy policy, Clock clock) {
    this.store = store;
    this.policy = policy;
    this.clock = clock;
  }

  public ApprovalPolicy policy() {
    return policy;
  }

  /** Opens a pending request for a proposal; the ID is opaque and unguessable. */
  public ApprovalRequest open(Proposal proposal) {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    Instant now = clock.instant();
    ApprovalRule rule = policy.ruleFor(proposal.runbook(), proposal.namespace());
    ApprovalRequest request =
        new ApprovalRequest(
            "apr-" + HexFormat.of().formatHex(id),
            proposal,
            hash(proposal.runbook(), proposal.argumentsJson()),
            now,
            now.plus(rule.expiry()),
            rule.minApprovals(),
            ApprovalState.PENDING,
            List.of(),
            null,
            null,
            null,
            null,
            0);
    store.create(request);
    return store.find(request.id()).orElseThrow();
  }

  public Optional<ApprovalRequest> find(String id) {
    return store.find(id);
  }

  /** Remembers where the card was posted, so later updates can edit it. */
  public ApprovalRequest attachCard(String id, String card) {
    while (true) {
      ApprovalRequest current =
          store.find(id).orElseThrow(() -> new IllegalStateException("no approval request " + id));
      Optional<ApprovalRequest> written = store.compareAndSet(current, current.withCard(card));
      if (written.isPresent()) {
        return written.get();
      }
    }
  }

  public Decision approve(String id, String user) {
    return decide(id, user, true);
  }

  public Decision deny(String id, String user) {
    return decide(id, user, false);
  }

  private Decision decide(String id, String user, boolean approve) {
    while (true) {
      Optional<ApprovalRequest> found = store.find(id);
      if (found.isEmpty()) {
        return new Decision.NotFound(id);
      }
      ApprovalRequest current = found.get();
      if (current.state() == ApprovalState.EXPIRED) {
        return new Decision.Expired(current);
      }
      if (current.state() != ApprovalState.PENDING) {
        return new Decision.AlreadyDecided(current);
      }
      if (!clock.instant().isBefore(current.expiresAt())) {
        Optional<ApprovalRequest> expired =
            store.compareAndSet(current, current.withState(ApprovalState.EXPIRED, null));
        if (expired.isPresent()) {
          return new Decision.Expired(expired.get());
        }
        continue;
      }
      Optional<String> refusal =
          approve ? policy.approvalRefusal(current, user) : policy.denialRefusal(current, user);
      if (refusal.isPresent()) {
        return new Decision.Refused(current, refusal.get());
      }
      if (!approve) {
        Optional<ApprovalRequest> denied =
            store.compareAndSet(current, current.withState(ApprovalState.DENIED, user));
        if (denied.isPresent()) {
          return new Decision.Denied(denied.get());
        }
        continue;
      }
      boolean enough = current.approvals().size() + 1 >= current.requiredApprovals();
      Optional<ApprovalRequest> written =
          store.compareAndSet(
              current,
              current.withApproval(user, enough ? ApprovalState.APPROVED : ApprovalState.PENDING));
      if (written.isPresent()) {
        return enough ? new Decision.Approved(written.get()) : new Decision.Recorded(written.get());
      }
      // Lost a race: read again and report what the winner did.
    }
  }

  /**
   * Runs an approved request once: moves it to EXECUTING, runs {@code change}, records the result.
   * Refuses to run if the stored arguments no longer match the hash taken when the card was shown.
   *
   * @return the final request, or empty if it was not in APPROVED state at {@code approved}'s
   *     version (someone else is running it)
   */
  public Optional<ApprovalRequest> execute(
      ApprovalRequest approved, Function<ApprovalRequest, Execution> change) {
    if (approved.state() != ApprovalState.APPROVED) {
      return Optional.empty();
    }
    Optional<ApprovalRequest> claimed =
        store.compareAndSet(
            approved, approved.withState(ApprovalState.EXECUTING, approved.decidedBy()));
    if (claimed.isEmpty()) {
      return Optional.empty();
    }
    ApprovalRequest executing = claimed.get();
    Execution execution;
    if (!hash(executing.runbook(), executing.argumentsJson()).equals(executing.argumentsHash())) {
      execution =
          new Execution(false, "the stored arguments differ from the approved ones; not run");
    } else {
      try {
        execution = change.apply(executing);
      } catch (RuntimeException e) {
        execution = new Execution(false, "the change failed unexpectedly: " + e);
      }
    }
    ApprovalState end = execution.succeeded() ? ApprovalState.SUCCEEDED : ApprovalState.FAILED;
    // Only this caller moves the request out of EXECUTING; other writers (attaching the card)
    // keep the state, so retrying on a lost compare-and-set is safe.
    ApprovalRequest current = executing;
    while (true) {
      Optional<ApprovalRequest> done =
          store.compareAndSet(current, current.withResult(end, execution));
      if (done.isPresent()) {
        return done;
      }
      current = store.find(executing.id()).orElseThrow();
    }
  }

  /**
   * Refuses to run an approved request because its preview no longer holds.
   *
   * @return the request as STALE, or empty if it was no longer APPROVED at that version
   */
  public Optional<ApprovalRequest> markStale(ApprovalRequest approved, String why) {
    if (approved.state() != ApprovalState.APPROVED) {
      return Optional.empty();
    }
    return store.compareAndSet(approved, approved.withOutcome(ApprovalState.STALE, why));
  }

  /**
   * After a restart: requests that were executing when the process stopped become UNKNOWN. They are
   * never re-run; people look at the object and decide.
   */
  public List<ApprovalRequest> recoverInterrupted() {
    List<ApprovalRequest> recovered = new ArrayList<>();
    for (ApprovalRequest executing : store.inState(ApprovalState.EXECUTING)) {
      store
          .compareAndSet(
              executing,
              executing.withOutcome(
                  ApprovalState.UNKNOWN,
                  "Pitcrew stopped while this change was running; it was not run again. Check"
                      + " the object's state before deciding anything else."))
          .ifPresent(recovered::add);
    }
    return recovered;
  }

  /** Expires every pending request past its time; returns those this call expired. */
  public List<ApprovalRequest> expireDue() {
    Instant now = clock.instant();
    List<ApprovalRequest> expired = new ArrayList<>();
    for (ApprovalRequest pending : store.inState(ApprovalState.PENDING)) {
      if (!now.isBefore(pending.expiresAt())) {
        store
            .compareAndSet(pending, pending.withState(ApprovalState.EXPIRED, null))
            .ifPresent(expired::add);
      }
    }
    return expired;
  }

  static String hash(String runbook, String argumentsJson) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(runbook.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(argumentsJson.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
