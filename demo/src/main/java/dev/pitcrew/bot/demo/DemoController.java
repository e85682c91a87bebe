package dev.pitcrew.bot.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitcrew.bot.concurrent.Threads;
import dev.pitcrew.remediations.ReplicaSets;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Just enough of the Deployment and ReplicaSet controllers and the kubelet for the demo to react
 * like a cluster: a template change makes a new ReplicaSet revision (a rollback re-uses the old one
 * under the next revision number), ReplicaSets get the replicas they should have, pods are created
 * and deleted to match and start a tick later, crashing images crash, Deployment status is computed
 * from the pods, and events are recorded; StatefulSets and DaemonSets likewise ({@link
 * DemoPodSets}). No surge, no probes, no scheduling logic.
 */
final class DemoController implements AutoCloseable {
  static final String REVISION = ReplicaSets.REVISION;
  static final String HASH = ReplicaSets.POD_TEMPLATE_HASH;

  private static final Logger log = LoggerFactory.getLogger(DemoController.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final Clock clock;
  private final ScheduledExecutorService loop;
  private final AtomicLong names = new AtomicLong();

  private final DemoImages images;

  DemoController(KubernetesClient client, Clock clock, DemoImages images) {
    this.client = client;
    this.clock = clock;
    this.images = images;
    this.loop =
        Executors.newSingleThreadScheduledExecutor(Threads.daemon("pitcrew-demo-controller"));
  }

  void start() {
    loop.scheduleWithFixedDelay(this::reconcileQuietly, 0, 250, TimeUnit.MILLISECONDS);
  }

  private void reconcileQuietly() {
    try {
      reconcileAll();
    } catch (RuntimeException e) {
      log.debug("demo controller tick failed; next tick retries", e);
    }
  }

  /** One pass over every workload. Idempotent: run it as often as you like. */
  synchronized void reconcileAll() {
    for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
      try {
        reconcile(d);
      } catch (KubernetesClientException e) {
        // Someone (Pitcrew) wrote the object meanwhile: the next tick sees the new version.
        log.debug("reconcile of {} conflicted: {}", d.getMetadata().getName(), e.getCode());
      }
    }
    List<HasMetadata> sets = new java.util.ArrayList<>();
    sets.addAll(client.apps().statefulSets().inAnyNamespace().list().getItems());
    sets.addAll(client.apps().daemonSets().inAnyNamespace().list().getItems());
    for (HasMetadata set : sets) {
      try {
        podSets.reconcile(set);
      } catch (KubernetesClientException e) {
        log.debug("reconcile of {} conflicted: {}", set.getMetadata().getName(), e.getCode());
      }
    }
  }

  private final DemoPodSets podSets = new DemoPodSets(this);

  KubernetesClient client() {
    return client;
  }

  /** Creates a pod of a StatefulSet or DaemonSet; it starts on a later tick. */
  Pod createPod(
      HasMetadata owner, PodTemplateSpec template, String name, String node, String hash) {
    return createPod(owner, template, name, node, Map.of(DemoPodSets.HASH, hash));
  }

  /** Starts a pod created on an earlier tick, as for a ReplicaSet's. */
  Pod started(Pod pod) {
    return start(pod);
  }

  static boolean isReady(Pod pod) {
    return ready(pod);
  }

  /** The nodes pods may be scheduled to now, by name. */
  List<String> schedulableNodes() {
    return client.nodes().list().getItems().stream()
        .filter(n -> n.getSpec() == null || !Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
        .filter(DemoController::nodeReady)
        .map(n -> n.getMetadata().getName())
        .sorted()
        .toList();
  }

  /** Ready nodes, cordoned or not: where a DaemonSet runs a pod. */
  List<String> readyNodes() {
    return client.nodes().list().getItems().stream()
        .filter(DemoController::nodeReady)
        .map(n -> n.getMetadata().getName())
        .sorted()
        .toList();
  }

  String nodeFor(String podName) {
    return node(podName);
  }

  private void reconcile(Deployment d) {
    String ns = d.getMetadata().getNamespace();
    List<ReplicaSet> owned = owned(d);
    PodTemplateSpec template = withoutHash(d.getSpec().getTemplate());
    ReplicaSet current =
        owned.stream()
            .filter(rs -> withoutHash(rs.getSpec().getTemplate()).equals(template))
            .findFirst()
            .orElse(null);
    long newest = owned.stream().mapToLong(DemoController::revision).max().orElse(0);
    boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
    if (current == null && paused) {
      long running = revision(d);
      current = owned.stream().filter(rs -> revision(rs) == running).findFirst().orElse(null);
      if (current == null) {
        return;
      }
    } else if (current == null) {
      current = createReplicaSet(d, template, newest + 1);
      owned = owned(d);
    } else if (!paused && revision(current) < newest) {
      // A rollback: the old ReplicaSet becomes the newest revision, as the real controller does.
      current =
          client
              .resource(
                  new ReplicaSetBuilder(current)
                      .editMetadata()
                      .addToAnnotations(REVISION, String.valueOf(newest + 1))
                      .endMetadata()
                      .build())
              .update();
      owned = owned(d);
    }
    int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    int total = 0;
    int updated = 0;
    int ready = 0;
    for (ReplicaSet rs : owned) {
      boolean isCurrent = rs.getMetadata().getUid().equals(current.getMetadata().getUid());
      int want = isCurrent ? desired : 0;
      int had = rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
      if (had != want) {
        rs =
            client
                .resource(new ReplicaSetBuilder(rs).editSpec().withReplicas(want).endSpec().build())
                .update();
        event(
            d,
            "Normal",
            "ScalingReplicaSet",
            "Scaled "
                + (want > had ? "up" : "down")
                + " replica set "
                + rs.getMetadata().getName()
                + " to "
                + want
                + " from "
                + had);
      }
      List<Pod> pods = syncPods(rs, want);
      total += pods.size();
      long readyHere = pods.stream().filter(DemoController::ready).count();
      ready += readyHere;
      // Updated means running the Deployment's template: a paused rollout's old pods are not.
      if (isCurrent && withoutHash(rs.getSpec().getTemplate()).equals(template)) {
        updated = pods.size();
      }
      rs.setStatus(
          new io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder()
              .withReplicas(pods.size())
              .withReadyReplicas((int) readyHere)
              .withAvailableReplicas((int) readyHere)
              .build());
      client.resource(rs).updateStatus();
    }
    String revision = String.valueOf(revision(current));
    Deployment latest =
        client.apps().deployments().inNamespace(ns).withName(d.getMetadata().getName()).get();
    if (latest == null) {
      return;
    }
    if (!revision.equals(annotation(latest, REVISION))) {
      latest =
          client
              .resource(
                  new DeploymentBuilder(latest)
                      .editMetadata()
                      .addToAnnotations(REVISION, revision)
                      .endMetadata()
                      .build())
              .update();
    }
    var status =
        new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder(
                latest.getStatus() == null
                    ? new io.fabric8.kubernetes.api.model.apps.DeploymentStatus()
                    : latest.getStatus())
            .withReplicas(total)
            .withUpdatedReplicas(updated)
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withUnavailableReplicas(Math.max(0, desired - ready))
            .withObservedGeneration(latest.getMetadata().getGeneration())
            .withConditions(
                conditions(
                    latest,
                    current.getMetadata().getName(),
                    desired,
                    ready,
                    updated == desired && total == desired && ready == desired))
            .build();
    if (!Objects.equals(status, latest.getStatus())) {
      latest.setStatus(status);
      client.resource(latest).updateStatus();
    }
  }

  /**
   * Available and Progressing as the Deployment controller sets them: available when no more than
   * the default maxUnavailable (25%, rounded down) is missing. A condition keeps its transition
   * time while its status stays.
   */
  private List<DeploymentCondition> conditions(
      Deployment d, String replicaSet, int desired, int available, boolean complete) {
    boolean minimum = available >= desired - desired / 4;
    return List.of(
        condition(
            d,
            "Available",
            minimum,
            minimum ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            minimum
                ? "Deployment has minimum availability."
                : "Deployment does not have minimum availability."),
        Boolean.TRUE.equals(d.getSpec().getPaused())
            ? condition(d, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused")
            : !complete && pastDeadline(d)
                ? condition(
                    d,
                    "Progressing",
                    false,
                    "ProgressDeadlineExceeded",
                    "ReplicaSet \"" + replicaSet + "\" has timed out progressing.")
                : condition(
                    d,
                    "Progressing",
                    true,
                    complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                    complete
                        ? "ReplicaSet \"" + replicaSet + "\" has successfully progressed."
                        : "ReplicaSet \"" + replicaSet + "\" is progressing."));
  }

  /**
   * Whether the rollout made no progress for {@code spec.progressDeadlineSeconds} (600 by default):
   * the Progressing condition was last updated longer ago than that.
   */
  private boolean pastDeadline(Deployment d) {
    if (d.getStatus() == null || d.getStatus().getConditions() == null) {
      return false;
    }
    int deadline =
        d.getSpec().getProgressDeadlineSeconds() == null
            ? 600
            : d.getSpec().getProgressDeadlineSeconds();
    // Once exceeded it stays so until the rollout completes, as the real controller keeps it.
    return d.getStatus().getConditions().stream()
        .filter(c -> "Progressing".equals(c.getType()) && c.getLastUpdateTime() != null)
        .anyMatch(
            c ->
                "ProgressDeadlineExceeded".equals(c.getReason())
                    || java.time.Instant.parse(c.getLastUpdateTime())
                        .plusSeconds(deadline)
                        .isBefore(clock.instant()));
  }

  /** The controller's clock, for seeding states dated in the past. */
  java.time.Instant instant() {
    return clock.instant();
  }

  private DeploymentCondition condition(
      Deployment d, String type, boolean status, String reason, String message) {
    return condition(d, type, status ? "True" : "False", reason, message);
  }

  private DeploymentCondition condition(
      Deployment d, String type, String value, String reason, String message) {
    DeploymentCondition before =
        d.getStatus() == null || d.getStatus().getConditions() == null
            ? null
            : d.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElse(null);
    boolean same = before != null && value.equals(before.getStatus());
    boolean unchanged = same && reason.equals(before.getReason());
    String now = now();
    return new DeploymentConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(same ? before.getLastTransitionTime() : now)
        .withLastUpdateTime(unchanged ? before.getLastUpdateTime() : now)
        .build();
  }

  private ReplicaSet createReplicaSet(Deployment d, PodTemplateSpec template, long revision) {
    String hash =
        String.format(
            java.util.Locale.ROOT, "%08x", JSON.valueToTree(template).toString().hashCode());
    PodTemplateSpec hashed = new PodTemplateSpecBuilder(template).build();
    hashed.getMetadata().getLabels().put(HASH, hash);
    Map<String, String> selector = new HashMap<>(d.getSpec().getSelector().getMatchLabels());
    selector.put(HASH, hash);
    ReplicaSet rs =
        client
            .resource(
                new ReplicaSetBuilder()
                    .withNewMetadata()
                    .withNamespace(d.getMetadata().getNamespace())
                    .withName(d.getMetadata().getName() + "-" + hash)
                    .withLabels(hashed.getMetadata().getLabels())
                    .addToAnnotations(REVISION, String.valueOf(revision))
                    .withOwnerReferences(
                        new OwnerReferenceBuilder()
                            .withApiVersion("apps/v1")
                            .withKind("Deployment")
                            .withName(d.getMetadata().getName())
                            .withUid(d.getMetadata().getUid())
                            .withController(true)
                            .build())
                    .endMetadata()
                    .withNewSpec()
                    .withReplicas(0)
                    .withNewSelector()
                    .withMatchLabels(selector)
                    .endSelector()
                    .withTemplate(hashed)
                    .endSpec()
                    .build())
            .create();
    String cause = annotation(d, "kubernetes.io/change-cause");
    if (cause != null) {
      rs.getMetadata().getAnnotations().put("kubernetes.io/change-cause", cause);
      rs = client.resource(rs).update();
    }
    return rs;
  }

  /** Creates or deletes pods until {@code rs} has {@code want}; starts the ones created earlier. */
  private List<Pod> syncPods(ReplicaSet rs, int want) {
    String ns = rs.getMetadata().getNamespace();
    List<Pod> pods =
        client.pods().inNamespace(ns).list().getItems().stream()
            .filter(p -> ownedBy(p, rs))
            .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getName()))
            .toList();
    List<Pod> kept = new java.util.ArrayList<>(pods);
    while (kept.size() > want) {
      Pod extra = kept.remove(kept.size() - 1);
      client.pods().inNamespace(ns).withName(extra.getMetadata().getName()).delete();
    }
    for (int i = 0; i < kept.size(); i++) {
      kept.set(i, start(kept.get(i)));
    }
    while (kept.size() < want) {
      kept.add(createPod(rs));
    }
    return kept;
  }

  private boolean unschedulable(PodTemplateSpec template) {
    DemoImages.Fault fault = images.fault(template.getSpec().getContainers().get(0).getImage());
    return fault != null && fault.kind() == DemoImages.Kind.UNSCHEDULABLE;
  }

  private Pod createPod(ReplicaSet rs) {
    String name =
        rs.getMetadata().getName()
            + "-"
            + Long.toString(36 * 36 * 36 + names.incrementAndGet(), 36);
    PodTemplateSpec template = rs.getSpec().getTemplate();
    return createPod(rs, template, name, unschedulable(template) ? null : node(name), Map.of());
  }

  /** A Pending pod of {@code owner}, on {@code node}, labelled as its template says and more. */
  private Pod createPod(
      HasMetadata owner,
      PodTemplateSpec template,
      String name,
      String node,
      Map<String, String> moreLabels) {
    Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels());
    labels.putAll(moreLabels);
    return client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withNamespace(owner.getMetadata().getNamespace())
                .withName(name)
                .withLabels(labels)
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind(owner.getKind())
                        .withName(owner.getMetadata().getName())
                        .withUid(owner.getMetadata().getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .withSpec(template.getSpec())
                .editSpec()
                .withNodeName(node)
                .endSpec()
                .withNewStatus()
                .withPhase("Pending")
                .addNewContainerStatus()
                .withName(template.getSpec().getContainers().get(0).getName())
                .withImage(template.getSpec().getContainers().get(0).getImage())
                .withReady(false)
                .withRestartCount(0)
                .withNewState()
                .withNewWaiting()
                .withReason("ContainerCreating")
                .endWaiting()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build())
        .create();
  }

  /**
   * The kubelet's restarts of a container that crashes at once, {@code age} after its pod started:
   * one restart right away, then one after each back-off of 10 s, doubling up to 5 minutes.
   */
  static int crashRestarts(Duration age) {
    long seconds = Math.max(0, age.toSeconds());
    int restarts = 1;
    long backOff = 10;
    for (long at = backOff; at <= seconds; at += backOff) {
      restarts++;
      backOff = Math.min(backOff * 2, 300);
    }
    return restarts;
  }

  /**
   * A pod created on an earlier tick starts now: ready, or failing the way its image fails. A pod
   * that restarts has a restart count growing with its age, as the kubelet's back-off makes it.
   */
  private Pod start(Pod pod) {
    String image = pod.getSpec().getContainers().get(0).getImage();
    DemoImages.Fault fault = images.fault(image, pod.getSpec().getNodeName());
    if (fault != null && fault.kind().staysPending()) {
      return pending(pod, image, fault);
    }
    boolean crash = fault != null && fault.kind().restarts();
    boolean unready = fault != null && fault.kind() == DemoImages.Kind.UNREADY;
    var status = pod.getStatus().getContainerStatuses().get(0);
    if (!"Pending".equals(pod.getStatus().getPhase())) {
      int restarts = crash ? crashRestarts(age(pod)) : 0;
      // A pod that started before its image's fault was known keeps running until replaced.
      if (!crash
          || status.getLastState() == null
          || Objects.equals(status.getRestartCount(), restarts)) {
        return pod;
      }
      status.setRestartCount(restarts);
      status.getLastState().getTerminated().setFinishedAt(now());
      return client.resource(pod).updateStatus();
    }
    status.setReady(!crash && !unready);
    status.setStarted(!crash);
    status.setRestartCount(crash ? crashRestarts(age(pod)) : 0);
    status.setState(
        crash
            ? new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .withMessage("back-off 1m20s restarting failed container")
                .endWaiting()
                .build()
            : new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                .withNewRunning()
                .withStartedAt(now())
                .endRunning()
                .build());
    String container = status.getName();
    String name = pod.getMetadata().getName();
    if (crash) {
      DemoImages.Kind kind = fault.kind();
      status.setLastState(
          new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
              .withNewTerminated()
              .withReason(kind == DemoImages.Kind.OOM ? "OOMKilled" : "Error")
              .withExitCode(
                  kind == DemoImages.Kind.OOM ? 137 : kind == DemoImages.Kind.LIVENESS ? 143 : 1)
              .withFinishedAt(now())
              .endTerminated()
              .build());
      if (kind == DemoImages.Kind.LIVENESS) {
        event(pod, "Warning", "Unhealthy", "Liveness probe failed: " + fault.detail());
        event(
            pod,
            "Normal",
            "Killing",
            "Container " + container + " failed liveness probe, will be restarted");
      }
      event(
          pod,
          "Warning",
          "BackOff",
          "Back-off restarting failed container " + container + " in pod " + name);
    }
    if (unready) {
      event(pod, "Warning", "Unhealthy", "Readiness probe failed: " + fault.detail());
    }
    pod.getStatus().setPhase("Running");
    return client.resource(pod).updateStatus();
  }

  /**
   * A pod that never starts: its image cannot be pulled (ImagePullBackOff), its container cannot be
   * configured (CreateContainerConfigError), or no node has room (Unschedulable). It stays Pending,
   * with the Events a real cluster records, once.
   */
  private Pod pending(Pod pod, String image, DemoImages.Fault fault) {
    var status = pod.getStatus().getContainerStatuses().get(0);
    String reason =
        switch (fault.kind()) {
          case PULL -> "ImagePullBackOff";
          case CONFIG -> "CreateContainerConfigError";
          default -> "ContainerCreating";
        };
    boolean unscheduled = fault.kind() == DemoImages.Kind.UNSCHEDULABLE;
    if (unscheduled
        ? pod.getStatus().getConditions() != null && !pod.getStatus().getConditions().isEmpty()
        : reason.equals(status.getState().getWaiting().getReason())) {
      return pod;
    }
    switch (fault.kind()) {
      case PULL -> {
        status.setState(waiting(reason, "Back-off pulling image \"" + image + "\""));
        event(
            pod,
            "Warning",
            "Failed",
            "Failed to pull image \""
                + image
                + "\": rpc error: code = NotFound desc = failed to pull and unpack image \""
                + image
                + "\": not found");
        event(pod, "Warning", "Failed", "Error: ErrImagePull");
        event(pod, "Normal", "BackOff", "Back-off pulling image \"" + image + "\"");
        event(pod, "Warning", "Failed", "Error: ImagePullBackOff");
      }
      case CONFIG -> {
        status.setState(waiting(reason, fault.detail()));
        event(pod, "Warning", "Failed", "Error: " + fault.detail());
      }
      default -> {
        pod.getStatus()
            .setConditions(
                List.of(
                    new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                        .withType("PodScheduled")
                        .withStatus("False")
                        .withReason("Unschedulable")
                        .withMessage(fault.detail())
                        .withLastTransitionTime(now())
                        .build()));
        event(pod, "Warning", "FailedScheduling", fault.detail());
      }
    }
    return client.resource(pod).updateStatus();
  }

  private static io.fabric8.kubernetes.api.model.ContainerState waiting(
      String reason, String message) {
    return new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .build();
  }

  private Duration age(Pod pod) {
    String created = pod.getMetadata().getCreationTimestamp();
    return created == null
        ? Duration.ZERO
        : Duration.between(java.time.Instant.parse(created), clock.instant());
  }

  private static boolean nodeReady(Node node) {
    return node.getStatus() == null
        || node.getStatus().getConditions() == null
        || node.getStatus().getConditions().stream()
            .noneMatch(c -> "Ready".equals(c.getType()) && !"True".equals(c.getStatus()));
  }

  private String node(String podName) {
    List<String> schedulable =
        client.nodes().list().getItems().stream()
            .filter(
                n -> n.getSpec() == null || !Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
            // A node tainted NoSchedule (memory pressure, say) gets no new pods either.
            .filter(
                n ->
                    n.getSpec() == null
                        || n.getSpec().getTaints() == null
                        || n.getSpec().getTaints().stream()
                            .noneMatch(t -> "NoSchedule".equals(t.getEffect())))
            .filter(DemoController::nodeReady)
            .map(Node::getMetadata)
            .map(m -> m.getName())
            .sorted()
            .toList();
    return schedulable.isEmpty()
        ? null
        : schedulable.get(Math.floorMod(podName.hashCode(), schedulable.size()));
  }

  void event(HasMetadata object, String type, String reason, String message) {
    String now = now();
    client
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withNamespace(object.getMetadata().getNamespace())
                .withName(
                    object.getMetadata().getName() + "." + Long.toHexString(System.nanoTime()))
                .endMetadata()
                .withInvolvedObject(
                    new ObjectReferenceBuilder()
                        .withKind(object.getKind())
                        .withApiVersion(object.getApiVersion())
                        .withName(object.getMetadata().getName())
                        .withNamespace(object.getMetadata().getNamespace())
                        .withUid(object.getMetadata().getUid())
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withCount(1)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withNewSource()
                .withComponent(reason.equals("BackOff") ? "kubelet" : "deployment-controller")
                .endSource()
                .build())
        .create();
  }

  private String now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private List<ReplicaSet> owned(Deployment d) {
    return ReplicaSets.owned(client, d); // the remediations' own lookup, by controller UID
  }

  private static boolean ownedBy(Pod pod, ReplicaSet rs) {
    return pod.getMetadata().getOwnerReferences() != null
        && pod.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> rs.getMetadata().getUid().equals(o.getUid()));
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getContainerStatuses() != null
        && pod.getStatus().getContainerStatuses().stream()
            .allMatch(s -> Boolean.TRUE.equals(s.getReady()));
  }

  static long revision(HasMetadata object) {
    return ReplicaSets.revision(object);
  }

  private static String annotation(HasMetadata object, String key) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  static PodTemplateSpec withoutHash(PodTemplateSpec template) {
    return ReplicaSets.withoutHash(template);
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
