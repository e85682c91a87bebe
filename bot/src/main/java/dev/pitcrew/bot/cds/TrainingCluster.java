package dev.pitcrew.bot.cds;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Kubernetes API the training run talks to: the JDK's HTTP server on loopback, answering the
 * reads one {@code deployment_status} needs ({@code /version}, one Deployment, no autoscaler) and a
 * Kubernetes "not found" Status to anything else. A stand-in, not the demo's mock API server, so
 * the image (and the archive trained in it) carries no web-server stack of its own. It keeps no
 * state and takes no writes: the training ask is read-only.
 */
final class TrainingCluster implements AutoCloseable {
  static final String NAMESPACE = "shop";
  static final String DEPLOYMENT = "checkout";

  private final HttpServer server;
  private final KubernetesClient client;
  private final List<String> unanswered = new CopyOnWriteArrayList<>();

  private TrainingCluster(HttpServer server) {
    this.server = server;
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
            .withNamespace(NAMESPACE)
            .withRequestTimeout(10_000)
            .withConnectionTimeout(10_000)
            .build();
    this.client = new KubernetesClientBuilder().withConfig(config).build();
  }

  static TrainingCluster start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    TrainingCluster cluster = new TrainingCluster(server);
    server.createContext("/", cluster::answer);
    server.start();
    return cluster;
  }

  KubernetesClient client() {
    return client;
  }

  /** Requests answered "not found": what a change to the training ask would need added here. */
  List<String> unanswered() {
    return List.copyOf(unanswered);
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      String body;
      int status = 200;
      if (method.equals("GET") && path.equals("/version")) {
        body =
            Serialization.asJson(
                Map.of(
                    "major", "1",
                    "minor", "31",
                    "gitVersion", "v1.31.0",
                    "platform", "linux/amd64"));
      } else if (method.equals("GET")
          && path.equals("/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/" + DEPLOYMENT)) {
        body = Serialization.asJson(deployment());
      } else if (method.equals("GET")
          && path.equals(
              "/apis/autoscaling/v2/namespaces/" + NAMESPACE + "/horizontalpodautoscalers")) {
        // No autoscaler: deployment_status asks whether one sets the replicas.
        body =
            Serialization.asJson(
                Map.of(
                    "kind",
                    "HorizontalPodAutoscalerList",
                    "apiVersion",
                    "autoscaling/v2",
                    "metadata",
                    Map.of(),
                    "items",
                    List.of()));
      } else {
        unanswered.add(method + " " + path);
        status = 404;
        body =
            Serialization.asJson(
                Map.of(
                    "kind", "Status",
                    "apiVersion", "v1",
                    "status", "Failure",
                    "reason", "NotFound",
                    "code", 404,
                    "message", path + " not found"));
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private static Deployment deployment() {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(DEPLOYMENT)
        .withNamespace(NAMESPACE)
        .withResourceVersion("1")
        .withGeneration(3L)
        .addToAnnotations("deployment.kubernetes.io/revision", "3")
        .endMetadata()
        .withNewSpec()
        .withReplicas(3)
        .withNewSelector()
        .addToMatchLabels("app", DEPLOYMENT)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", DEPLOYMENT)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(DEPLOYMENT)
        .withImage("registry.example/checkout:v3")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .withNewStatus()
        .withObservedGeneration(3L)
        .withReplicas(3)
        .withUpdatedReplicas(3)
        .withReadyReplicas(3)
        .withAvailableReplicas(3)
        .endStatus()
        .build();
  }

  @Override
  public void close() {
    client.close();
    server.stop(0);
  }
}
