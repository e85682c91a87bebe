package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code kubectl drain}: cordon the node, then evict every pod on it that can move, so each
 * PodDisruptionBudget decides; a budget at zero is retried for a bounded time and then reported.
 * DaemonSet pods (their controller would put them back), static pods (the kubelet owns them), pods
 * nothing recreates and pods in namespaces the runbook may not touch stay, and are named.
 */
final class DrainNode extends Action {
  private static final JsonNode SCHEMA =
      Schemas.object(
          Schemas.name("Node")
              + ", \"waitSeconds\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 300,"
              + " \"description\": \"How long to retry evictions a PodDisruptionBudget holds up"
              + " (default 30)\"}",
          "\"name\"");

  static final Duration RETRY_EVERY = Duration.ofSeconds(5);
  private static final int DEFAULT_WAIT_SECONDS = 30;
  private static final int NAMED = 5;

  private final KubernetesClient client;
  private final ChangeRecorder recorder;
  private final Clock clock;
  private final Remediation.Namespaces namespaces;
  private final Sleeper sleeper;
  private final Evictions evictions;

  /** Waits between eviction retries; tests make it advance a clock instead. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  DrainNode(KubernetesClient client, ChangeRecorder recorder, Clock clock) {
    this(client, recorder, clock, Remediation.Namespaces.any(), d -> Thread.sleep(d.toMillis()));
  }

  DrainNode(
      KubernetesClient client,
      ChangeRecorder recorder,
      Clock clock,
      Remediation.Namespaces namespaces,
      Sleeper sleeper) {
    super(
        "node.drain",
        "Cordon a node, then evict its pods (within their PodDisruptionBudgets) so they start"
            + " elsewhere; DaemonSet and static pods stay.",
        SCHEMA);
    this.client = client;
    this.recorder = recorder;
    this.clock = clock;
    this.namespaces = namespaces;
    this.sleeper = sleeper;
    this.evictions = new Evictions(client);
  }

  @Override
  public Remediation within(Remediation.Namespaces kept) {
    return new DrainNode(client, recorder, clock, kept, sleeper);
  }

  /** The same drain, waiting with {@code other}: for tests. */
  DrainNode sleeping(Sleeper other) {
    return new DrainNode(client, recorder, clock, namespaces, other);
  }

  @Override
  public Risk risk() {
    return Risk.MUTATE;
  }

  @Override
  public List<Permission> permissions() {
    // The node's pods are listed and evicted across namespaces: a cluster-wide role grants that;
    // with Roles per namespace the listing is refused and the drain says so.
    return List.of(
        Permission.cluster("", "nodes", "get", "patch"),
        new Permission("", "events", Set.of("create"), Permission.Scope.DEFAULT_NAMESPACE),
        Permission.LIST_PODS,
        Evictions.EVICT,
        Budgets.LIST);
  }

  private String describe(JsonNode arguments) {
    return "node " + objectName(arguments);
  }

  /** What a drain would do to the pods on the node now. */
  private record Sorted(
      List<Pod> evict, List<String> staying, long daemons, List<PodDisruptionBudget> budgets) {}

  private Sorted sort(String node) {
    List<Pod> pods =
        client.pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems().stream()
            .filter(p -> node.equals(Pods.node(p)))
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .toList();
    List<PodDisruptionBudget> budgets =
        client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems();
    List<Pod> evict = new ArrayList<>();
    List<String> staying = new ArrayList<>();
    long daemons = 0;
    for (Pod pod : pods) {
      String name = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      Optional<String> off = namespaces.refusal(pod.getMetadata().getNamespace());
      if (Pods.daemon(pod)) {
        daemons++;
      } else if (Pods.mirror(pod)) {
        staying.add(name + " (a static pod)");
      } else if (off.isPresent()) {
        staying.add(name + " (" + off.get() + ")");
      } else if (Pods.controller(pod).isEmpty()) {
        staying.add(name + " (no controller would recreate it)");
      } else {
        evict.add(pod);
      }
    }
    return new Sorted(evict, staying, daemons, budgets);
  }

  @Override
  public Preview preview(JsonNode arguments) {
    Node node;
    Sorted sorted;
    try {
      node = client.nodes().withName(objectName(arguments)).get();
      if (node == null) {
        return new Refused(describe(arguments) + " was not found");
      }
      sorted = sort(objectName(arguments));
    } catch (KubernetesClientException e) {
      return new Refused(
          "cannot see what runs on "
              + describe(arguments)
              + ": "
              + KubeFailures.describe(e, "list pods on", describe(arguments)).reason()
              + " (a drain needs to list and evict pods in every namespace: a cluster-wide"
              + " grant)");
    }
    // The API server's own answer for each eviction, before anyone approves.
    List<String> heldUp = new ArrayList<>();
    for (Pod pod : sorted.evict()) {
      try {
        if (!evictions.evict(pod, true)) {
          heldUp.add(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          return new Refused(
              "a server-side dry run says this would fail: "
                  + KubeFailures.describe(
                          e,
                          "evict",
                          "pod "
                              + pod.getMetadata().getNamespace()
                              + "/"
                              + pod.getMetadata().getName())
                      .reason());
        }
      }
    }
    boolean cordoned = Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    if (sorted.evict().isEmpty() && cordoned) {
      return new Refused(
          describe(arguments)
              + " is cordoned and has no pods to evict"
              + (sorted.staying().isEmpty() ? "" : "; staying: " + names(sorted.staying())));
    }
    int wait = arguments.path("waitSeconds").asInt(DEFAULT_WAIT_SECONDS);
    List<String> blocking =
        sorted.evict().stream()
            .flatMap(p -> Budgets.blocking(Budgets.covering(sorted.budgets(), p)).stream())
            .map(Budgets::describe)
            .distinct()
            .toList();
    StringBuilder summary =
        new StringBuilder(
            "Drain %s: %sevict %d pod%s (%s)"
                .formatted(
                    describe(arguments),
                    cordoned ? "" : "cordon it, then ",
                    sorted.evict().size(),
                    sorted.evict().size() == 1 ? "" : "s",
                    names(
                        sorted.evict().stream()
                            .map(
                                p ->
                                    p.getMetadata().getNamespace()
                                        + "/"
                                        + p.getMetadata().getName())
                            .toList())));
    if (sorted.daemons() > 0) {
      summary.append("; ").append(sorted.daemons()).append(" DaemonSet pods stay");
    }
    if (!sorted.staying().isEmpty()) {
      summary.append("; staying: ").append(names(sorted.staying()));
    }
    if (!heldUp.isEmpty() || !blocking.isEmpty()) {
      summary
          .append(". Warning: ")
          .append(blocking.isEmpty() ? "a PodDisruptionBudget" : String.join(", ", blocking))
          .append(" allows no disruption now: ")
          .append(heldUp.isEmpty() ? "its pods" : names(heldUp))
          .append(" will be retried for up to ")
          .append(wait)
          .append(" s, then reported");
    }
    List<Change> changes = new ArrayList<>();
    if (!cordoned) {
      changes.add(new Change("spec.unschedulable", false, true));
    }
    changes.add(
        new Change(
            "pods on " + describe(arguments), sorted.evict().size() + " to evict", "evicted"));
    return new Plan(
        summary.toString(),
        changes,
        cordoned
            ? Optional.empty()
            : Optional.of(new Inverse("node.uncordon", Map.of("name", objectName(arguments)))));
  }

  @Override
  public Outcome execute(JsonNode arguments, ChangeContext context) {
    String nodeName = objectName(arguments);
    Node node;
    try {
      node = client.nodes().withName(nodeName).get();
    } catch (KubernetesClientException e) {
      return KubeFailures.describe(e, "read", describe(arguments));
    }
    if (node == null) {
      return new Refused(describe(arguments) + " was not found");
    }
    boolean wasCordoned = Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    if (!wasCordoned) {
      try {
        var patch = Mutation.JSON.createObjectNode();
        var annotations = patch.putObject("metadata").putObject("annotations");
        ChangeRecorder.provenance(context).forEach(annotations::put);
        patch.putObject("spec").put("unschedulable", true);
        node =
            client
                .nodes()
                .withName(nodeName)
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
      } catch (KubernetesClientException e) {
        return KubeFailures.describe(e, "cordon", describe(arguments));
      }
    }
    Sorted sorted;
    try {
      sorted = sort(nodeName);
    } catch (KubernetesClientException e) {
      return new Failed(
          (wasCordoned ? "" : "cordoned " + describe(arguments) + ", but ")
              + "cannot list its pods: "
              + KubeFailures.describe(e, "list pods on", describe(arguments)).reason()
              + "; nothing was evicted");
    }
    Instant deadline =
        clock.instant().plusSeconds(arguments.path("waitSeconds").asInt(DEFAULT_WAIT_SECONDS));
    List<String> evicted = new ArrayList<>();
    Map<String, String> notEvicted = new LinkedHashMap<>();
    List<Pod> pending = new ArrayList<>(sorted.evict());
    while (true) {
      List<Pod> heldUp = new ArrayList<>();
      for (Pod pod : pending) {
        String name = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        try {
          if (evictions.evict(pod, false)) {
            evicted.add(name);
          } else {
            heldUp.add(pod);
          }
        } catch (KubernetesClientException e) {
          if (e.getCode() == 404 || e.getCode() == 409) {
            evicted.add(name); // gone already, or replaced: this pod no longer runs there
          } else {
            notEvicted.put(name, KubeFailures.describe(e, "evict", "pod " + name).reason());
          }
        }
      }
      pending = heldUp;
      if (pending.isEmpty() || !clock.instant().plus(RETRY_EVERY).isBefore(deadline)) {
        break;
      }
      try {
        sleeper.sleep(RETRY_EVERY);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Pod pod : pending) {
      notEvicted.put(
          pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(),
          Budgets.blocking(Budgets.covering(sorted.budgets(), pod))
                  .map(Budgets::describe)
                  .orElse("a PodDisruptionBudget")
              + " allowed no disruption");
    }
    String summary =
        "Drained %s: %sevicted %d pod%s%s%s%s"
            .formatted(
                describe(arguments),
                wasCordoned ? "" : "cordoned; ",
                evicted.size(),
                evicted.size() == 1 ? "" : "s",
                evicted.isEmpty() ? "" : " (" + names(evicted) + ")",
                notEvicted.isEmpty()
                    ? ""
                    : "; not evicted: "
                        + notEvicted.entrySet().stream()
                            .map(e -> e.getKey() + " (" + e.getValue() + ")")
                            .collect(Collectors.joining(", ")),
                (sorted.daemons() > 0 ? "; " + sorted.daemons() + " DaemonSet pods stay" : "")
                    + (sorted.staying().isEmpty() ? "" : "; staying: " + names(sorted.staying())));
    recorder.event(node, "PitcrewDrained", summary, context);
    return new Applied(
        summary,
        Map.of("evicted", evicted.size(), "notEvicted", notEvicted.size()),
        wasCordoned
            ? Optional.empty()
            : Optional.of(new Inverse("node.uncordon", Map.of("name", nodeName))),
        Optional.empty());
  }

  /** The first few names, and how many more. */
  private static String names(List<String> names) {
    return names.size() <= NAMED
        ? String.join(", ", names)
        : String.join(", ", names.subList(0, NAMED)) + " and " + (names.size() - NAMED) + " more";
  }
}
