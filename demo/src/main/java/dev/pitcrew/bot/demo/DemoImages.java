package dev.pitcrew.bot.demo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each image in the demo registry does when it runs: starts and serves, or fails in one of the
 * ways a real cluster shows (crash, OOM kill, pull error, missing config, no room to schedule,
 * failing probes), with the log and events that go with it. Shared by the controller (pod states,
 * events) and the API server's log endpoint.
 */
final class DemoImages {
  /** How a pod of a faulty image fails. */
  enum Kind {
    /** Exits at once with an error; restarts with back-off. */
    CRASH,
    /** Killed by the kernel at its memory limit; restarts with back-off. */
    OOM,
    /** Killed by its liveness probe before it finished starting; restarts with back-off. */
    LIVENESS,
    /** Runs, but its readiness probe fails: never ready, never restarted. */
    UNREADY,
    /** The registry has no such image: Pending in ImagePullBackOff. */
    PULL,
    /** Its container cannot be configured (a missing ConfigMap key): Pending. */
    CONFIG,
    /** No node has room for its requests: Pending, unscheduled. */
    UNSCHEDULABLE;

    boolean restarts() {
      return this == CRASH || this == OOM || this == LIVENESS;
    }

    boolean staysPending() {
      return this == PULL || this == CONFIG || this == UNSCHEDULABLE;
    }
  }

  /**
   * @param detail the message the kubelet or scheduler gives (probe failure, missing key, ...)
   * @param log what the container's log shows (its previous run's, for one that restarts)
   */
  record Fault(Kind kind, String detail, String log) {}

  private final Map<String, Fault> faults = new ConcurrentHashMap<>();

  /** {@code image} crashes on start; its previous container's log is {@code log}. */
  DemoImages crashing(String image, String log) {
    return faulty(image, Kind.CRASH, "", log);
  }

  /** {@code image} is not in the registry: pulls fail. */
  DemoImages missing(String image) {
    return faulty(image, Kind.PULL, "", "");
  }

  DemoImages faulty(String image, Kind kind, String detail, String log) {
    faults.put(image, new Fault(kind, detail, log));
    return this;
  }

  /** How {@code image} fails, or null when it runs fine. */
  Fault fault(String image) {
    return faults.get(image);
  }

  /** {@code image} fails only on {@code node} (its kernel, its hardware). */
  DemoImages faultyOn(String image, String node, Kind kind, String detail, String log) {
    faults.put(image + "@" + node, new Fault(kind, detail, log));
    return this;
  }

  /** How {@code image} fails on {@code node}, or null when it runs fine there. */
  Fault fault(String image, String node) {
    Fault onNode = node == null ? null : faults.get(image + "@" + node);
    return onNode != null ? onNode : faults.get(image);
  }

  boolean crashes(String image) {
    Fault f = faults.get(image);
    return f != null && f.kind().restarts();
  }
}
