package dev.pitcrew.approvals;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Keys only one taker may have, across every replica that shares the store: a Slack event that two
 * replicas both received is answered by the one that claimed its ID. Every implementation passes
 * the same contract test: of any number of concurrent claims of one key, exactly one wins.
 */
public interface Claims {

  /**
   * Claims {@code key} for {@code ttl}.
   *
   * @return true if this call took it; false if someone holds it and its time has not run out
   */
  boolean claim(String key, Duration ttl);

  /**
   * Attaches {@code note} to a live claim of {@code key} (where an alert's thread is, say), for
   * whichever replica reads it next. Does nothing if the claim is gone.
   */
  void note(String key, String note);

  /** The note of a live claim of {@code key}; empty if there is none or it has no note yet. */
  Optional<String> noteOf(String key);

  /** Gives a claim up before its time: the next claim of {@code key} wins. */
  void release(String key);

  /**
   * Forgets claims whose time ran out. Safe on every replica at once.
   *
   * @return how many this call removed
   */
  int purgeExpired();

  /** Claims in this process only, timed by {@code clock}: for one replica, the shell and tests. */
  static Claims inMemory(Clock clock) {
    return new InMemoryClaims(clock);
  }

  /**
   * Claims as ConfigMaps in {@code namespace}, one per key, taken by creating it: the API server
   * lets exactly one create of a name succeed, so replicas sharing the namespace share the claims.
   */
  static Claims kubernetes(KubernetesClient client, String namespace, Clock clock) {
    return new KubernetesClaims(client, namespace, clock);
  }
}
