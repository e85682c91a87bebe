package dev.pitcrew.approvals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The approval state machine. Thread-safe; every transition is a compare-and-set on the store, so
 * double clicks, racing approvers and retried deliveries decide and execute a request once.
 */
public final class Approvals {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How long an execution stays owned without renewal; the owner renews it every third. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  private final ApprovalStore store;
  private final ApprovalPolicy policy;
  private final Clock clock;
  private final String replica;
  private final Duration lease;

  /** Executions this replica runs now, whose leases {@link #renewLeases()} keeps alive. */
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  /** A single replica with a random identity and the default lease. */
  public Approvals(ApprovalStore store, ApprovalPolicy policy, Clock clock) {
    this(store, policy, clock, "replica-" + randomHex(4), DEFAULT_LEASE);
  }

  /**
   * One replica's view of a shared store.
   *
   * @param replica this replica's identity, unique among live replicas (the pod name and a random
   *     suffix): the owner recorded on executions it runs
   * @param lease how long an execution stays this replica's without renewal
   */
  public Approvals(
      ApprovalStore store, ApprovalPolicy policy, Clock clock, String replica, Duration lease) {
    this.store = store;
    this.policy = policy;
    this.clock = clock;
    this.replica = replica;
    this.lease = lease;
  }

  /** This replica's identity, as recorded on the executions it owns. */
  public String replica() {
    return replica;
  }

  /** How often {@link #renewLeases()} must run so that no live execution loses its lease. */
  public Duration renewEvery() {
    return lease.dividedBy(3);
  }

  public ApprovalPolicy policy() {
    return policy;
  }

  /** Opens a pending request for a proposal; the ID is opaque and unguessable. */
  public ApprovalRequest open(Proposal proposal) {
    Instant now = clock.instant();
    ApprovalRule rule =
        policy.ruleFor(proposal.runbook(), proposal.namespace(), proposal.cluster());
    ApprovalRequest request =
        new ApprovalRequest(
            "apr-" + randomHex(16),
            proposal,
            hash(proposal.runbook(), proposal.arguments()),
            now,
            now.plus(rule.expiry()),
            rule.minApprovals(),
            ApprovalState.PENDING,
            List.of(),
            null,
            null,
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

  /** Requests waiting for a decision that have not expired yet, oldest first. */
  public List<ApprovalRequest> pending() {
    Instant now = clock.instant();
    return store.inState(ApprovalState.PENDING).stream()
        .filter(r -> r.expiresAt().isAfter(now))
        .sorted(java.util.Comparator.comparing(ApprovalRequest::createdAt))
        .toList();
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
   * Takes an approved request to run it: APPROVED to EXECUTING under this replica's lease, which
   * {@link #renewLeases()} keeps alive until {@link #finish}. Another replica takes it over (as
   * UNKNOWN) only once the lease has run out. A request whose stored arguments no longer match the
   * hash taken when its card was shown is not handed out to run: it ends FAILED here.
   *
   * @return the request as EXECUTING, to run and then {@link #finish}; as FAILED if its arguments
   *     were changed in the store; empty if it was not APPROVED at {@code approved}'s version
   *     (another click or replica has it)
   */
  public Optional<ApprovalRequest> claim(ApprovalRequest approved) {
    if (approved.state() != ApprovalState.APPROVED) {
      return Optional.empty();
    }
    Optional<ApprovalRequest> claimed =
        store.compareAndSet(
            approved,
            approved.withLease(
                ApprovalState.EXECUTING,
                new ApprovalRequest.Lease(replica, clock.instant().plus(lease))));
    if (claimed.isEmpty()) {
      return Optional.empty();
    }
    ApprovalRequest executing = claimed.get();
    running.add(executing.id());
    if (!hash(executing.runbook(), executing.arguments()).equals(executing.argumentsHash())) {
      return Optional.of(
          finish(
              executing,
              new Execution(false, "the stored arguments differ from the approved ones; not run")));
    }
    return claimed;
  }

  /**
   * Records how a claimed request's change went. If the lease ran out meanwhile and another replica
   * recorded UNKNOWN, that stays: a final state is never left.
   *
   * @param executing what {@link #claim} returned
   * @return the request as it ends: SUCCEEDED, FAILED or UNKNOWN as recorded here, or UNKNOWN as
   *     another replica recorded it after this one lost its lease
   */
  public ApprovalRequest finish(ApprovalRequest executing, Execution execution) {
    running.remove(executing.id());
    ApprovalState end =
        switch (execution.outcome()) {
          case SUCCEEDED -> ApprovalState.SUCCEEDED;
          case FAILED -> ApprovalState.FAILED;
          case UNKNOWN -> ApprovalState.UNKNOWN;
        };
    // Other writers (attaching the card, renewing the lease) keep the state, so retrying on a lost
    // compare-and-set is safe while the request is still EXECUTING under this replica.
    ApprovalRequest current = executing;
    while (true) {
      if (!ownedHere(current)) {
        return current; // taken over after the lease ran out: UNKNOWN stays
      }
      Optional<ApprovalRequest> done =
          store.compareAndSet(current, current.withResult(end, execution));
      if (done.isPresent()) {
        return done.get();
      }
      current = store.find(executing.id()).orElseThrow();
    }
  }

  /**
   * Extends the lease of every execution this replica runs. Call it every {@link #renewEvery()}
   * from a thread of its own: a slow sweep must not let a live execution's lease run out.
   *
   * @return the IDs of executions whose lease could not be renewed because another replica took
   *     them over (the lease had run out)
   */
  public List<String> renewLeases() {
    List<String> lost = new ArrayList<>();
    for (String id : running) {
      while (true) {
        Optional<ApprovalRequest> found = store.find(id);
        if (found.isEmpty() || !ownedHere(found.get())) {
          if (running.contains(id)) {
            lost.add(id);
          }
          break;
        }
        ApprovalRequest current = found.get();
        ApprovalRequest.Lease renewed =
            new ApprovalRequest.Lease(replica, clock.instant().plus(lease));
        if (store
            .compareAndSet(current, current.withLease(ApprovalState.EXECUTING, renewed))
            .isPresent()) {
          break;
        }
      }
    }
    return lost;
  }

  private boolean ownedHere(ApprovalRequest request) {
    return request.state() == ApprovalState.EXECUTING
        && request.lease() != null
        && replica.equals(request.lease().owner());
  }

  /** How long a claim to propose an undo holds if its claimer never says what it opened. */
  static final Duration UNDO_CLAIM = Duration.ofMinutes(1);

  /**
   * Claims the right to propose the undo of {@code originalId}, once: a replayed or double-clicked
   * Undo finds it claimed. An earlier undo that ended without running (denied, expired, cancelled,
   * stale, failed) does not block a new one; a pending, running or finished one does.
   *
   * @return empty if claimed now; else why not (the undo already proposed, and its state)
   */
  public Optional<String> claimUndo(String originalId) {
    while (true) {
      ApprovalRequest original =
          store
              .find(originalId)
              .orElseThrow(() -> new IllegalStateException("no approval request " + originalId));
      Optional<String> taken = undoInProgress(original);
      if (taken.isPresent()) {
        return taken;
      }
      if (store.compareAndSet(original, original.withUndo("claim:" + clock.millis())).isPresent()) {
        return Optional.empty();
      }
    }
  }

  private Optional<String> undoInProgress(ApprovalRequest original) {
    String undo = original.undo();
    if (undo == null) {
      return Optional.empty();
    }
    if (undo.startsWith("claim:")) {
      long claimedAt = Long.parseLong(undo.substring("claim:".length()));
      return clock.millis() - claimedAt < UNDO_CLAIM.toMillis()
          ? Optional.of("an undo of this change is being proposed right now")
          : Optional.empty();
    }
    return store
        .find(undo)
        .filter(
            u ->
                !EnumSet.of(
                        ApprovalState.DENIED,
                        ApprovalState.EXPIRED,
                        ApprovalState.CANCELLED,
                        ApprovalState.STALE,
                        ApprovalState.FAILED)
                    .contains(u.state()))
        .map(
            u ->
                "an undo of this change was already proposed ("
                    + u.id()
                    + ", "
                    + u.state().name().toLowerCase(java.util.Locale.ROOT)
                    + ")");
  }

  /** Links {@code originalId} to the undo request opened under its claim. */
  public void recordUndo(String originalId, String undoId) {
    replaceUndo(originalId, undoId, any -> true);
  }

  /** Releases a claim under which no undo request was opened; a recorded undo stays. */
  public void releaseUndoClaim(String originalId) {
    replaceUndo(originalId, null, undo -> undo != null && undo.startsWith("claim:"));
  }

  private void replaceUndo(
      String originalId, String next, java.util.function.Predicate<String> when) {
    while (true) {
      Optional<ApprovalRequest> found = store.find(originalId);
      if (found.isEmpty() || !when.test(found.get().undo())) {
        return;
      }
      if (store.compareAndSet(found.get(), found.get().withUndo(next)).isPresent()) {
        return;
      }
    }
  }

  /**
   * Withdraws a pending request that nobody can see (its card could not be posted).
   *
   * @return the request as CANCELLED, or empty if it was no longer pending (decided meanwhile)
   */
  public Optional<ApprovalRequest> cancel(String id, String why) {
    while (true) {
      Optional<ApprovalRequest> found = store.find(id);
      if (found.isEmpty() || found.get().state() != ApprovalState.PENDING) {
        return Optional.empty();
      }
      Optional<ApprovalRequest> cancelled =
          store.compareAndSet(found.get(), found.get().withOutcome(ApprovalState.CANCELLED, why));
      if (cancelled.isPresent()) {
        return cancelled;
      }
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
   * Executions whose owner stopped renewing its lease (it crashed, or lost the store for longer
   * than the lease) become UNKNOWN. They are never re-run; people look at the object and decide.
   * Safe on every replica at once: each takeover is a compare-and-set, and a live lease, this
   * replica's own included, is never taken over.
   *
   * @return the requests this call moved to UNKNOWN
   */
  public List<ApprovalRequest> recoverInterrupted() {
    Instant now = clock.instant();
    List<ApprovalRequest> recovered = new ArrayList<>();
    for (ApprovalRequest executing : store.inState(ApprovalState.EXECUTING)) {
      ApprovalRequest.Lease held = executing.lease();
      if (held != null && now.isBefore(held.until())) {
        continue; // its owner is alive and renewing
      }
      store
          .compareAndSet(
              executing,
              executing.withOutcome(
                  ApprovalState.UNKNOWN,
                  "The replica running this change ("
                      + (held == null ? "unknown" : held.owner())
                      + ") stopped before it recorded the outcome; it was not run again. Check"
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

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  static String hash(String runbook, com.fasterxml.jackson.databind.JsonNode arguments) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(runbook.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(arguments.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
