package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code kubectl get pods}, with why each unhealthy pod is unhealthy. */
final class ListPods extends ReadAction {
  private static final JsonNode SCHEMA =
      Schemas.object(
          Schemas.NAMESPACE
              + ", \"deployment\": {\"type\": \"string\", \"pattern\":"
              + " \"^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$\", \"maxLength\": 253, \"description\":"
              + " \"Only pods of this Deployment\"}, \"selector\": {\"type\": \"string\","
              + " \"pattern\": \"^[A-Za-z0-9=!,._/ ()-]{1,256}$\", \"description\": \"A label"
              + " selector such as app=checkout\"}",
          "\"namespace\"");

  ListPods(KubernetesClient client, Clock clock) {
    super(
        client,
        clock,
        "pods.list",
        "Pods of a namespace, a Deployment or a label selector: phase, readiness, restarts,"
            + " why the last container run ended, why a container is waiting, node and age.",
        SCHEMA);
  }

  @Override
  public List<Permission> permissions() {
    return List.of(Permission.READ_DEPLOYMENT, Permission.LIST_PODS);
  }

  @Override
  String describe(JsonNode arguments) {
    return "pods in " + namespace(arguments);
  }

  @Override
  Outcome read(JsonNode arguments) {
    String namespace = namespace(arguments);
    List<Pod> pods;
    String scope;
    if (arguments.hasNonNull("deployment")) {
      String name = arguments.path("deployment").asText();
      Deployment deployment =
          client.apps().deployments().inNamespace(namespace).withName(name).get();
      if (deployment == null) {
        return new Refused("deployment " + namespace + "/" + name + " was not found");
      }
      Map<String, String> labels = deployment.getSpec().getSelector().getMatchLabels();
      pods = client.pods().inNamespace(namespace).withLabels(labels).list().getItems();
      scope = "deployment " + namespace + "/" + name;
    } else if (arguments.hasNonNull("selector")) {
      String selector = arguments.path("selector").asText();
      pods =
          client
              .pods()
              .inNamespace(namespace)
              .list(new ListOptionsBuilder().withLabelSelector(selector).build())
              .getItems();
      scope = "selector " + selector + " in " + namespace;
    } else {
      pods = client.pods().inNamespace(namespace).list().getItems();
      scope = "namespace " + namespace;
    }
    if (pods.isEmpty()) {
      return new Observed("no pods for " + scope, Map.of("pods", 0));
    }
    String lines =
        pods.stream()
            .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getName()))
            .limit(MAX_ITEMS)
            .map(this::line)
            .collect(Collectors.joining("\n"));
    long unhealthy = pods.stream().filter(p -> !healthy(p)).count();
    return new Observed(
        "%d pods for %s, %d not ready or restarting:\n%s%s"
            .formatted(pods.size(), scope, unhealthy, lines, more(pods.size())),
        Map.of("pods", pods.size(), "unhealthy", unhealthy));
  }

  private String line(Pod pod) {
    StringBuilder line =
        new StringBuilder(pod.getMetadata().getName())
            .append("  ")
            .append(Pods.phase(pod))
            .append("  ready ")
            .append(Pods.ready(pod))
            .append("  restarts ")
            .append(Pods.restarts(pod));
    Pods.waiting(pod).ifPresent(w -> line.append("  waiting: ").append(w));
    Pods.lastTermination(pod).ifPresent(t -> line.append("  last exit: ").append(t));
    line.append("  node ")
        .append(Pods.node(pod))
        .append("  age ")
        .append(Ages.since(pod.getMetadata().getCreationTimestamp(), clock.instant()));
    return line.toString();
  }

  private static boolean healthy(Pod pod) {
    String ready = Pods.ready(pod);
    return ready.substring(0, ready.indexOf('/')).equals(ready.substring(ready.indexOf('/') + 1))
        && Pods.waiting(pod).isEmpty()
        && "Running".equals(Pods.phase(pod));
  }
}
