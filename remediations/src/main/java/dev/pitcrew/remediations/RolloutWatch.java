package dev.pitcrew.remediations;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Watches rollouts until they complete or time out, on its own scheduler, so waiting never holds a
 * request thread. Polls rather than watches: a poll every few seconds is cheap and survives API
 * server restarts without reconnection logic.
 */
public final class RolloutWatch implements AutoCloseable {
  private final KubernetesClient client;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Duration pollEvery;

  RolloutWatch(
      KubernetesClient client,
      Clock clock,
      ScheduledExecutorService scheduler,
      Duration pollEvery) {
    this.client = client;
    this.clock = clock;
    this.scheduler = scheduler;
    this.pollEvery = pollEvery;
  }

  /**
   * Polls every {@code pollEvery} on {@code scheduler}, which the watch owns from now on and shuts
   * down when closed. The caller makes the threads (named, daemon), as for every pool in Pitcrew.
   */
  public static RolloutWatch create(
      KubernetesClient client,
      Clock clock,
      Duration pollEvery,
      ScheduledExecutorService scheduler) {
    return new RolloutWatch(client, clock, scheduler, pollEvery);
  }

  /** Completes when the rollout is done, or with what is wrong once {@code timeout} passed. */
  public CompletableFuture<Verification> await(Rollout rollout, Duration timeout) {
    CompletableFuture<Verification> result = new CompletableFuture<>();
    Instant start = clock.instant();
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    if (scheduler.isShutdown()) {
      result.complete(
          new Verification(false, "not watched: Pitcrew is shutting down", Duration.ZERO));
      return result;
    }
    task.set(
        scheduler.scheduleWithFixedDelay(
            () -> {
              if (result.isDone()) {
                return;
              }
              try {
                check(rollout, start, timeout).ifPresent(result::complete);
              } catch (RuntimeException e) {
                result.complete(
                    new Verification(
                        false,
                        "could not check " + rollout + ": " + e.getMessage(),
                        Duration.between(start, clock.instant())));
              }
              if (result.isDone() && task.get() != null) {
                task.get().cancel(false);
              }
            },
            0,
            pollEvery.toMillis(),
            TimeUnit.MILLISECONDS));
    result.whenComplete((v, e) -> task.get().cancel(false));
    return result;
  }

  private java.util.Optional<Verification> check(Rollout rollout, Instant start, Duration timeout) {
    Duration elapsed = Duration.between(start, clock.instant());
    Deployment d;
    try {
      d =
          client
              .apps()
              .deployments()
              .inNamespace(rollout.namespace())
              .withName(rollout.name())
              .get();
    } catch (KubernetesClientException e) {
      if (elapsed.compareTo(timeout) >= 0) {
        return java.util.Optional.of(
            new Verification(
                false, KubeFailures.describe(e, "read", rollout.toString()).reason(), elapsed));
      }
      return java.util.Optional.empty(); // transient: try again next poll
    }
    if (d == null) {
      return java.util.Optional.of(new Verification(false, rollout + " was deleted", elapsed));
    }
    int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    var s = d.getStatus();
    int ready = s == null || s.getReadyReplicas() == null ? 0 : s.getReadyReplicas();
    if (complete(d, desired)) {
      return java.util.Optional.of(
          new Verification(
              true,
              "%s: %d/%d ready after %d s".formatted(rollout, ready, desired, elapsed.toSeconds()),
              elapsed));
    }
    if (elapsed.compareTo(timeout) < 0) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new Verification(
            false,
            "%s: %d/%d ready after %d s, rollout not complete%s"
                .formatted(rollout, ready, desired, elapsed.toSeconds(), problems(d)),
            elapsed));
  }

  private static boolean complete(Deployment d, int desired) {
    var s = d.getStatus();
    if (s == null) {
      return desired == 0;
    }
    Long generation = d.getMetadata().getGeneration();
    Long observed = s.getObservedGeneration();
    boolean observedLatest = generation == null || observed == null || observed >= generation;
    return observedLatest
        && Objects.equals(orZero(s.getUpdatedReplicas()), desired)
        && Objects.equals(orZero(s.getReplicas()), desired)
        && Objects.equals(orZero(s.getAvailableReplicas()), desired);
  }

  /** {@code ; 1 pod in CrashLoopBackOff (checkout-abc)}, from the Deployment's pods. */
  private String problems(Deployment d) {
    Map<String, String> labels = d.getSpec().getSelector().getMatchLabels();
    if (labels == null || labels.isEmpty()) {
      return "";
    }
    List<Pod> pods;
    try {
      pods =
          client
              .pods()
              .inNamespace(d.getMetadata().getNamespace())
              .withLabels(labels)
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      return "";
    }
    Map<String, List<String>> byProblem = new TreeMap<>();
    for (Pod pod : pods) {
      String problem =
          Pods.waiting(pod)
              .orElse(
                  Pods.ready(pod).startsWith(pod.getSpec().getContainers().size() + "/")
                      ? null
                      : "not ready (" + Pods.phase(pod) + ")");
      if (problem != null) {
        byProblem
            .computeIfAbsent(problem, k -> new java.util.ArrayList<>())
            .add(pod.getMetadata().getName());
      }
    }
    if (byProblem.isEmpty()) {
      return "";
    }
    return "; "
        + byProblem.entrySet().stream()
            .map(
                e ->
                    e.getValue().size()
                        + (e.getValue().size() == 1 ? " pod " : " pods ")
                        + (e.getKey().startsWith("not ready") ? "" : "in ")
                        + e.getKey()
                        + " ("
                        + String.join(", ", e.getValue().stream().limit(3).toList())
                        + (e.getValue().size() > 3 ? ", …" : "")
                        + ")")
            .collect(Collectors.joining("; "));
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
