package dev.pitcrew.bot.demo;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;

/**
 * A Kubernetes API in this process, on loopback: Fabric8's mock server in CRUD mode plus a tiny
 * controller, seeded with namespace {@code shop} (Deployments {@code cart}, {@code payments} with
 * its HorizontalPodAutoscaler, {@code checkout}; StatefulSet {@code orders-db}) and three ready
 * nodes, then brought into one {@link Incident}: by default {@code checkout} crash-loops after a
 * bad rollout (revision 3, image v3; revisions 1 and 2 kept). Needs no network and no cluster.
 */
public final class DemoCluster implements AutoCloseable {
  public static final String NAMESPACE = "shop";

  /** Held so the setting sticks: java.util.logging keeps loggers only weakly. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final DemoController controller;

  private final DemoImages images;

  private DemoCluster(
      KubernetesMockServer server,
      KubernetesClient client,
      DemoController controller,
      DemoImages images) {
    this.server = server;
    this.client = client;
    this.controller = controller;
    this.images = images;
  }

  /** Starts the API server, seeds it with the default incident and starts the controller. */
  public static DemoCluster start(Clock clock) {
    return start(clock, Incident.named(Incident.DEFAULT));
  }

  /** Starts the API server, seeds it with {@code incident} and starts the controller loop. */
  public static DemoCluster start(Clock clock, Incident incident) {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING); // it logs every request at INFO
    DemoImages images = new DemoImages();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new DemoDispatcher(images), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = server.createClient();
    DemoController controller = new DemoController(client, clock, images);
    DemoCluster cluster = new DemoCluster(server, client, controller, images);
    cluster.seed(incident);
    controller.start();
    return cluster;
  }

  /** What an incident may do to the healthy base while it is seeded. */
  final class Seeder {
    private Seeder() {}

    DemoImages images() {
      return images;
    }

    void deploy(String name, int replicas, String image, String cause) {
      DemoCluster.this.deploy(name, replicas, image, cause);
    }

    void rollOut(String name, String image, String cause) {
      DemoCluster.this.rollOut(name, image, cause);
    }

    /** checkout's healthy history: releases 1 and 2. */
    void healthyCheckout() {
      deploy("checkout", 3, "registry.example/checkout:v1", "release 1");
      rollOut("checkout", "registry.example/checkout:v2", "release 2: faster cart totals");
    }

    void scale(String name, int replicas) {
      edit(name, d -> d.getSpec().setReplicas(replicas));
    }

    void pause(String name) {
      edit(name, d -> d.getSpec().setPaused(true));
    }

    /** A new revision with the same image: only an environment variable changes. */
    void setEnv(String name, String variable, String value, String cause) {
      edit(
          name,
          d -> {
            d.getMetadata().getAnnotations().put("kubernetes.io/change-cause", cause);
            d.getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .setEnv(List.of(new io.fabric8.kubernetes.api.model.EnvVar(variable, value, null)));
          });
    }

    /**
     * {@code node} stops reporting: NotReady with the unreachable taint, and its pods evicted (the
     * controller starts replacements on the other nodes), as the node lifecycle controller does
     * after its grace period.
     */
    void nodeNotReady(String node) {
      nodeFault(
          node,
          "node.kubernetes.io/unreachable",
          "NoExecute",
          c -> c.getType().equals("Ready"),
          "Unknown",
          "NodeStatusUnknown",
          "Kubelet stopped posting node status.");
      controller.event(
          client.nodes().withName(node).get(),
          "Normal",
          "NodeNotReady",
          "Node " + node + " status is now: NodeNotReady");
      evict(
          node,
          pod -> true,
          "Normal",
          "TaintManagerEviction",
          pod -> "Marking for deletion Pod " + NAMESPACE + "/" + pod.getMetadata().getName());
    }

    /**
     * The rollout of {@code name} last made progress {@code ago}: its Progressing condition is
     * dated back, as after a rollout that has been stuck that long.
     */
    void stuckFor(String name, java.time.Duration ago) {
      controller.reconcileAll();
      Deployment d = client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
      String then =
          java.time.format.DateTimeFormatter.ISO_INSTANT.format(
              controller.instant().minus(ago).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
      d.getStatus().getConditions().stream()
          .filter(c -> c.getType().equals("Progressing"))
          .forEach(
              c -> {
                c.setLastUpdateTime(then);
                c.setLastTransitionTime(then);
              });
      client.resource(d).updateStatus();
      controller.reconcileAll();
    }

    /** A new revision of StatefulSet {@code name}: only its image changes. */
    void updateStatefulSet(String name, String image) {
      var set = client.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
      set.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
      client.resource(set).update();
      settle();
    }

    /** StatefulSet {@code name} updates its pods only when they are deleted. */
    void onDelete(String name) {
      var set = client.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
      set.getSpec()
          .setUpdateStrategy(
              new io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategyBuilder()
                  .withType("OnDelete")
                  .build());
      client.resource(set).update();
      settle();
    }

    void daemonSet(String name, String image) {
      DemoCluster.this.daemonSet(name, image);
    }

    /**
     * An autoscaler on Deployment {@code name} at its maximum: {@code current} replicas, average
     * CPU at {@code cpu}% of requests against a target of {@code target}%, with its events.
     */
    void autoscalerAtMaximum(String name, int min, int max, int cpu, int target) {
      edit(name, d -> d.getSpec().setReplicas(max));
      var hpa = DemoCluster.this.autoscaler(name, min, max, target);
      hpa.setStatus(
          new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatusBuilder()
              .withCurrentReplicas(max)
              .withDesiredReplicas(max)
              .addNewCurrentMetric()
              .withType("Resource")
              .withNewResource()
              .withName("cpu")
              .withNewCurrent()
              .withAverageUtilization(cpu)
              .endCurrent()
              .endResource()
              .endCurrentMetric()
              .addNewCondition()
              .withType("ScalingLimited")
              .withStatus("True")
              .withReason("TooManyReplicas")
              .withMessage("the desired replica count is more than the maximum replica count")
              .endCondition()
              .build());
      hpa = client.resource(hpa).updateStatus();
      controller.event(
          hpa,
          "Normal",
          "SuccessfulRescale",
          "New size: "
              + max
              + "; reason: cpu resource utilization (percentage of request) above target");
    }

    /** Pods of Deployment {@code name} are replaced, so they start with today's image faults. */
    void recreatePods(String name) {
      client.pods().inNamespace(NAMESPACE).withLabel("app", name).delete();
      settle();
    }

    /**
     * {@code node} runs low on memory: MemoryPressure, its taint, and the kubelet evicting pods
     * (recorded as it records them; their controllers start replacements elsewhere).
     */
    void memoryPressure(String node) {
      nodeFault(
          node,
          "node.kubernetes.io/memory-pressure",
          "NoSchedule",
          c -> c.getType().equals("MemoryPressure"),
          "True",
          "KubeletHasInsufficientMemory",
          "kubelet has insufficient memory available");
      controller.event(
          client.nodes().withName(node).get(),
          "Warning",
          "EvictionThresholdMet",
          "Attempting to reclaim memory");
      evict(
          node,
          pod -> !isDaemon(pod),
          "Warning",
          "Evicted",
          pod ->
              "The node was low on resource: memory. Threshold quantity: 100Mi, available:"
                  + " 61440Ki.");
    }

    /** {@code node} tainted, and one of its conditions set, as its kubelet or controller would. */
    private void nodeFault(
        String node,
        String taint,
        String effect,
        java.util.function.Predicate<io.fabric8.kubernetes.api.model.NodeCondition> condition,
        String status,
        String reason,
        String message) {
      var n = client.nodes().withName(node).get();
      n.getSpec()
          .setTaints(
              List.of(
                  new io.fabric8.kubernetes.api.model.TaintBuilder()
                      .withKey(taint)
                      .withEffect(effect)
                      .build()));
      n = client.resource(n).update();
      n.getStatus().getConditions().stream()
          .filter(condition)
          .forEach(
              c -> {
                c.setStatus(status);
                c.setReason(reason);
                c.setMessage(message);
              });
      client.resource(n).updateStatus();
    }

    /** The pods on {@code node} that {@code which} picks, deleted with the event that says why. */
    private void evict(
        String node,
        java.util.function.Predicate<io.fabric8.kubernetes.api.model.Pod> which,
        String type,
        String reason,
        java.util.function.Function<io.fabric8.kubernetes.api.model.Pod, String> message) {
      for (var pod : client.pods().inNamespace(NAMESPACE).list().getItems()) {
        if (node.equals(pod.getSpec().getNodeName()) && which.test(pod)) {
          controller.event(pod, type, reason, message.apply(pod));
          client.resource(pod).delete();
        }
      }
      settle();
    }

    /** The kernel {@code node} reports (what node-specific faults depend on). */
    void kernel(String node, String version) {
      var n = client.nodes().withName(node).get();
      n.getStatus().getNodeInfo().setKernelVersion(version);
      client.resource(n).updateStatus();
    }

    private void settle() {
      for (int i = 0; i < 6; i++) {
        controller.reconcileAll();
      }
    }

    private void edit(String name, java.util.function.Consumer<Deployment> change) {
      Deployment d = client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
      change.accept(d);
      client.resource(d).update();
      controller.reconcileAll();
      controller.reconcileAll();
    }
  }

  /** A client of the demo API server. */
  public KubernetesClient client() {
    return client;
  }

  /** Runs the controller once, now; the loop does the same every 250 ms. */
  public void reconcile() {
    controller.reconcileAll();
  }

  private void seed(Incident incident) {
    client
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    for (int i = 1; i <= 3; i++) {
      client
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName("node-" + i)
                  .addToLabels("kubernetes.io/hostname", "node-" + i)
                  .endMetadata()
                  .withNewSpec()
                  .endSpec()
                  .withNewStatus()
                  .addNewCondition()
                  .withType("Ready")
                  .withStatus("True")
                  .withReason("KubeletReady")
                  .endCondition()
                  .addNewCondition()
                  .withType("MemoryPressure")
                  .withStatus("False")
                  .endCondition()
                  .withNewNodeInfo()
                  .withKubeletVersion("v1.31.2")
                  .withKernelVersion("6.1.0-28-cloud-amd64")
                  .endNodeInfo()
                  .endStatus()
                  .build())
          .create();
    }
    deploy("cart", 2, "registry.example/cart:v7", "release 7");
    deploy("payments", 2, "registry.example/payments:v12", "release 12");
    autoscaler("payments", 2, 8, 70);
    statefulSet("orders-db", 3, "registry.example/orders-db:v1");
    incident.seed().apply(new Seeder());
    controller.reconcileAll(); // start the pods created by the last pass
  }

  private void deploy(String name, int replicas, String image, String cause) {
    Deployment d =
        new DeploymentBuilder()
            .withNewMetadata()
            .withNamespace(NAMESPACE)
            .withName(name)
            .addToLabels("app", name)
            .addToAnnotations("kubernetes.io/change-cause", cause)
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withNewSelector()
            .addToMatchLabels("app", name)
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", name)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName(name)
            .withImage(image)
            // As many real Deployments do: a literal credential beside ordinary settings.
            .addNewEnv()
            .withName("DB_PASSWORD")
            .withValue(Incident.PLANTED_ENV_SECRET)
            .endEnv()
            .addNewEnv()
            .withName("LOG_LEVEL")
            .withValue("info")
            .endEnv()
            .addNewPort()
            .withContainerPort(8080)
            .endPort()
            .withNewResources()
            .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("100m"))
            .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("128Mi"))
            .addToLimits("cpu", new io.fabric8.kubernetes.api.model.Quantity("500m"))
            .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("256Mi"))
            .endResources()
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build(); // the controller writes the status, conditions included
    client.resource(d).create();
    controller.reconcileAll();
    controller.reconcileAll();
  }

  /** A StatefulSet with a headless service name, rolling one pod at a time; settled until ready. */
  private void statefulSet(String name, int replicas, String image) {
    client
        .resource(
            new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder()
                .withNewMetadata()
                .withNamespace(NAMESPACE)
                .withName(name)
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withServiceName(name)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(name)
                .withImage(image)
                .addNewPort()
                .withContainerPort(5432)
                .endPort()
                .endContainer()
                .endSpec()
                .endTemplate()
                .withNewUpdateStrategy()
                .withType("RollingUpdate")
                .endUpdateStrategy()
                .endSpec()
                .build())
        .create();
    for (int i = 0; i < 2 * replicas + 2; i++) {
      controller.reconcileAll();
    }
  }

  private void daemonSet(String name, String image) {
    client
        .resource(
            new io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder()
                .withNewMetadata()
                .withNamespace(NAMESPACE)
                .withName(name)
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(name)
                .withImage(image)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    for (int i = 0; i < 4; i++) {
      controller.reconcileAll();
    }
  }

  /** A HorizontalPodAutoscaler on Deployment {@code name}, on CPU; its status as it settled. */
  private io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler autoscaler(
      String name, int min, int max, int target) {
    var d = client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    return client
        .resource(
            new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withNamespace(NAMESPACE)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(name)
                .endScaleTargetRef()
                .withMinReplicas(min)
                .withMaxReplicas(max)
                .addNewMetric()
                .withType("Resource")
                .withNewResource()
                .withName("cpu")
                .withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(target)
                .endTarget()
                .endResource()
                .endMetric()
                .endSpec()
                .withNewStatus()
                .withCurrentReplicas(replicas)
                .withDesiredReplicas(replicas)
                .endStatus()
                .build())
        .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
  }

  private static boolean isDaemon(io.fabric8.kubernetes.api.model.Pod pod) {
    return pod.getMetadata().getOwnerReferences() != null
        && pod.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> "DaemonSet".equals(o.getKind()));
  }

  private void rollOut(String name, String image, String cause) {
    Deployment d = client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
    client
        .resource(
            new DeploymentBuilder(d)
                .editMetadata()
                .addToAnnotations("kubernetes.io/change-cause", cause)
                .endMetadata()
                .editSpec()
                .editTemplate()
                .editSpec()
                .editFirstContainer()
                .withImage(image)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .update();
    controller.reconcileAll();
  }

  @Override
  public void close() {
    controller.close();
    client.close();
    server.destroy();
  }
}
