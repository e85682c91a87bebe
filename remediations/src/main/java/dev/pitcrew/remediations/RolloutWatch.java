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
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
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
  private final Masking masking;

  RolloutWatch(
      KubernetesClient client,
      Clock clock,
      ScheduledExecutorService scheduler,
      Duration pollEvery,
      Masking masking) {
    this.client = client;
    this.clock = clock;
    this.scheduler = scheduler;
    this.pollEvery = pollEvery;
    this.masking = masking;
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
    return new RolloutWatch(client, clock, scheduler, pollEvery, Masking.shipped());
  }

  /** This watch masking what it reports (pod and condition messages) with {@code other}. */
  public RolloutWatch masking(Masking other) {
    return new RolloutWatch(client, clock, scheduler, pollEvery, other);
  }

  /**
   * The same watch reading through {@code other} (another cluster, or an impersonating client), on
   * this watch's scheduler; closing this watch stops both.
   */
  public RolloutWatch on(KubernetesClient other) {
    return new RolloutWatch(other, clock, scheduler, pollEvery, masking);
  }

  /**
   * Completes when the rollout is done, or with what is wrong: as soon as it is clearly failing
   * (new pods crash-looping or unable to pull their image, the progress deadline exceeded), else
   * once {@code timeout} passed.
   */
  public CompletableFuture<Verification> await(Rollout rollout, Duration timeout) {
    return await(rollout, timeout, recovered -> {});
  }

  /**
   * As {@link #await(Rollout, Duration)}; after an early failure the rollout is still polled until
   * {@code timeout} (the same poll, so cheap), and {@code recovered} hears once if it completes
   * after all: a crash loop that stops on a retried dependency, an image pushed late.
   */
  public CompletableFuture<Verification> await(
      Rollout rollout, Duration timeout, Consumer<Verification> recovered) {
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
              Verification v;
              try {
                v = check(rollout, start, timeout).orElse(null);
              } catch (RuntimeException e) {
                v =
                    new Verification(
                        false,
                        "could not check " + rollout + ": " + e.getMessage(),
                        Duration.between(start, clock.instant()));
              }
              if (v == null) {
                return;
              }
              v = new Verification(v.complete(), masking.mask(v.summary()), v.elapsed());
              if (!result.isDone()) {
                result.complete(v);
                if (!v.complete() && v.elapsed().compareTo(timeout) < 0) {
                  return; // failed early: keep looking for a late recovery until the timeout
                }
              } else if (v.complete()) {
                recovered.accept(v);
              } else if (v.elapsed().compareTo(timeout) < 0) {
                return;
              }
              if (task.get() != null) {
                task.get().cancel(false);
              }
            },
            0,
            pollEvery.toMillis(),
            TimeUnit.MILLISECONDS));
    return result;
  }

  private java.util.Optional<Verification> check(Rollout rollout, Instant start, Duration timeout) {
    if (!rollout.kind().equals(ByKind.DEPLOYMENT)) {
      return checkPodSet(rollout, start, timeout);
    }
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
      return failing(d)
          .map(
              why ->
                  new Verification(
                      false,
                      "%s: %d/%d ready after %d s, rollout failing: %s"
                          .formatted(rollout, ready, desired, elapsed.toSeconds(), why),
                      elapsed));
    }
    return java.util.Optional.of(
        new Verification(
            false,
            "%s: %d/%d ready after %d s, rollout not complete%s"
                .formatted(rollout, ready, desired, elapsed.toSeconds(), problems(d)),
            elapsed));
  }

  /**
   * A StatefulSet's or DaemonSet's rollout, by its own rules: a StatefulSet is done when every pod
   * at or above its partition runs the update revision and all are ready (it updates one ordinal at
   * a time, from the highest); a DaemonSet when every node's pod is updated and available.
   */
  private Optional<Verification> checkPodSet(Rollout rollout, Instant start, Duration timeout) {
    Duration elapsed = Duration.between(start, clock.instant());
    PodSets.Kind kind =
        rollout.kind().equals("StatefulSet") ? PodSets.Kind.STATEFUL_SET : PodSets.Kind.DAEMON_SET;
    io.fabric8.kubernetes.api.model.HasMetadata set;
    try {
      set = kind.resource(client, rollout.namespace(), rollout.name()).get();
    } catch (KubernetesClientException e) {
      return elapsed.compareTo(timeout) >= 0
          ? Optional.of(
              new Verification(
                  false, KubeFailures.describe(e, "read", rollout.toString()).reason(), elapsed))
          : Optional.empty();
    }
    if (set == null) {
      return Optional.of(new Verification(false, rollout + " was deleted", elapsed));
    }
    Long generation = set.getMetadata().getGeneration();
    int desired;
    int ready;
    boolean complete;
    Long observed;
    Map<String, String> selector;
    if (set instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet s) {
      var st = s.getStatus();
      desired = PodSets.replicas(s);
      ready = st == null ? 0 : orZero(st.getReadyReplicas());
      int updated = st == null ? 0 : orZero(st.getUpdatedReplicas());
      int partition = PodSets.partition(s);
      observed = st == null ? null : st.getObservedGeneration();
      complete =
          st != null
              && ready == desired
              && orZero(st.getReplicas()) == desired
              && (partition == 0
                  ? updated == desired
                      || Objects.equals(st.getUpdateRevision(), st.getCurrentRevision())
                  : updated >= desired - partition);
      selector = s.getSpec().getSelector().getMatchLabels();
    } else {
      var d = (io.fabric8.kubernetes.api.model.apps.DaemonSet) set;
      var st = d.getStatus();
      desired = st == null ? 0 : orZero(st.getDesiredNumberScheduled());
      ready = st == null ? 0 : orZero(st.getNumberReady());
      observed = st == null ? null : st.getObservedGeneration();
      complete =
          st != null
              && orZero(st.getUpdatedNumberScheduled()) == desired
              && orZero(st.getNumberAvailable()) == desired;
      selector = d.getSpec().getSelector().getMatchLabels();
    }
    boolean seen = generation == null || observed == null || observed >= generation;
    if (seen && complete) {
      return Optional.of(
          new Verification(
              true,
              "%s: %d/%d ready after %d s".formatted(rollout, ready, desired, elapsed.toSeconds()),
              elapsed));
    }
    if (elapsed.compareTo(timeout) < 0) {
      if (!seen) {
        return Optional.empty();
      }
      return hopeless(updatePods(set, selector))
          .map(
              why ->
                  new Verification(
                      false,
                      "%s: %d/%d ready after %d s, rollout failing: %s"
                          .formatted(rollout, ready, desired, elapsed.toSeconds(), why),
                      elapsed));
    }
    return Optional.of(
        new Verification(
            false,
            "%s: %d/%d ready after %d s, rollout not complete%s"
                .formatted(
                    rollout,
                    ready,
                    desired,
                    elapsed.toSeconds(),
                    problems(rollout.namespace(), selector)),
            elapsed));
  }

  /** The set's pods running its update revision (the one its template is now). */
  private List<Pod> updatePods(
      io.fabric8.kubernetes.api.model.HasMetadata set, Map<String, String> selector) {
    try {
      var revisions = PodSets.revisions(client, set);
      long current = PodSets.current(revisions, set);
      var revision =
          revisions.stream()
              .filter(r -> r.getRevision() != null && r.getRevision() == current)
              .findFirst();
      if (revision.isEmpty() || selector == null) {
        return List.of();
      }
      return client
          .pods()
          .inNamespace(set.getMetadata().getNamespace())
          .withLabels(selector)
          .list()
          .getItems()
          .stream()
          .filter(p -> PodSets.runs(p, revision.get()))
          .toList();
    } catch (KubernetesClientException e) {
      return List.of();
    }
  }

  /** Waiting reasons of a new pod that no amount of waiting fixes by itself. */
  private static final Set<String> HOPELESS =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError");

  /**
   * Why the rollout is clearly failing now, if it is: the controller gave up on it
   * (ProgressDeadlineExceeded), or no pod of the new revision is ready while one cannot pull its
   * image, cannot be created, or crash-loops after a restart. A pod of the new revision that is
   * ready means it may still come good: keep waiting.
   */
  private Optional<String> failing(Deployment d) {
    if (!observedLatest(d)) {
      return Optional.empty(); // the controller has not seen the change yet: its pods are old
    }
    var status = d.getStatus();
    if (status != null && status.getConditions() != null) {
      for (var c : status.getConditions()) {
        if ("Progressing".equals(c.getType())
            && "False".equals(c.getStatus())
            && "ProgressDeadlineExceeded".equals(c.getReason())) {
          return Optional.of(
              "progress deadline exceeded"
                  + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"));
        }
      }
    }
    return hopeless(newPods(d));
  }

  /**
   * Why pods of a new revision clearly fail, if none is ready and one cannot pull its image, cannot
   * be created, or crash-loops after a restart.
   */
  private static Optional<String> hopeless(List<Pod> pods) {
    if (pods.stream().anyMatch(p -> Pods.ready(p).startsWith(containers(p) + "/"))) {
      return Optional.empty();
    }
    Map<String, List<String>> byReason = new TreeMap<>();
    for (Pod pod : pods) {
      Optional<String> reason = Pods.waiting(pod);
      if (reason.isPresent()
          && (HOPELESS.contains(reason.get())
              || reason.get().equals("CrashLoopBackOff") && Pods.restarts(pod) >= 1)) {
        byReason
            .computeIfAbsent(reason.get(), k -> new java.util.ArrayList<>())
            .add(pod.getMetadata().getName());
      }
    }
    return byReason.isEmpty() ? Optional.empty() : Optional.of(podsBy(byReason).substring(2));
  }

  /** The pods of the Deployment's current revision, by its ReplicaSet's template hash. */
  private List<Pod> newPods(Deployment d) {
    try {
      long revision = ReplicaSets.revision(d);
      var template = ReplicaSets.withoutHash(d.getSpec().getTemplate());
      Optional<String> hash =
          ReplicaSets.owned(client, d).stream()
              .filter(rs -> ReplicaSets.revision(rs) == revision)
              // the new revision's own ReplicaSet, not the one the change replaces
              .filter(rs -> ReplicaSets.withoutHash(rs.getSpec().getTemplate()).equals(template))
              .map(rs -> rs.getMetadata().getLabels())
              .filter(Objects::nonNull)
              .map(labels -> labels.get(ReplicaSets.POD_TEMPLATE_HASH))
              .filter(Objects::nonNull)
              .findFirst();
      if (revision == 0 || hash.isEmpty()) {
        return List.of();
      }
      return client
          .pods()
          .inNamespace(d.getMetadata().getNamespace())
          .withLabel(ReplicaSets.POD_TEMPLATE_HASH, hash.get())
          .list()
          .getItems();
    } catch (KubernetesClientException e) {
      return List.of(); // the timeout still reports; an early verdict needs evidence
    }
  }

  private static int containers(Pod pod) {
    return pod.getSpec() == null ? 0 : pod.getSpec().getContainers().size();
  }

  private static boolean observedLatest(Deployment d) {
    Long generation = d.getMetadata().getGeneration();
    Long observed = d.getStatus() == null ? null : d.getStatus().getObservedGeneration();
    return generation == null || observed == null || observed >= generation;
  }

  private static boolean complete(Deployment d, int desired) {
    var s = d.getStatus();
    if (s == null) {
      return desired == 0;
    }
    return observedLatest(d)
        && Objects.equals(orZero(s.getUpdatedReplicas()), desired)
        && Objects.equals(orZero(s.getReplicas()), desired)
        && Objects.equals(orZero(s.getAvailableReplicas()), desired);
  }

  /** {@code ; 1 pod in CrashLoopBackOff (checkout-abc)}, from the Deployment's pods. */
  private String problems(Deployment d) {
    return problems(d.getMetadata().getNamespace(), d.getSpec().getSelector().getMatchLabels());
  }

  /** The same, from the pods {@code labels} select. */
  private String problems(String namespace, Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return "";
    }
    List<Pod> pods;
    try {
      pods = client.pods().inNamespace(namespace).withLabels(labels).list().getItems();
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
    return byProblem.isEmpty() ? "" : podsBy(byProblem);
  }

  /** {@code ; 3 pods in CrashLoopBackOff (a, b, c)}. */
  private static String podsBy(Map<String, List<String>> byProblem) {
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
