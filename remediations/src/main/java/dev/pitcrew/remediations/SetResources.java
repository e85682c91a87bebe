package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sets the memory and CPU limits of one container of a Deployment, within hard bounds: at most
 * {@value #MAX_MEMORY} of memory and {@value #MAX_CPU} CPUs, at least {@value #MIN_MEMORY} and
 * {@value #MIN_CPU}, and at most {@value #MAX_FACTOR} times (or a {@value #MAX_FACTOR}th of) the
 * current limit per approval. A request above the new limit is lowered to it, as the API server
 * would otherwise refuse the pod.
 */
final class SetResources extends DeploymentMutation {
  static final String MAX_MEMORY = "16Gi";
  static final String MAX_CPU = "8";

  /**
   * The least any limit is set to, whatever it was before: below these a container cannot start
   * (and a first limit has no current one for the factor to bound).
   */
  static final String MIN_MEMORY = "32Mi";

  static final String MIN_CPU = "10m";
  static final int MAX_FACTOR = 4;

  private static final JsonNode SCHEMA =
      Schemas.namespaced(
          "Deployment",
          "\"container\": {\"type\": \"string\", \"pattern\": \"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$\","
              + " \"description\": \"Container name; may be left out when there is one\"}",
          "\"memory\": {\"type\": \"string\", \"pattern\": \"^[1-9][0-9]{0,5}(Mi|Gi)$\","
              + " \"description\": \"New memory limit, such as 512Mi or 2Gi\"}",
          "\"cpu\": {\"type\": \"string\", \"pattern\": \"^([1-9][0-9]{0,4}m|[1-9][0-9]?)$\","
              + " \"description\": \"New CPU limit, such as 500m or 2\"}");

  SetResources(KubernetesClient client, ChangeRecorder recorder) {
    super(
        client,
        recorder,
        "deployment.set_resources",
        "Set the memory and/or CPU limit of one container of a Deployment (a rollout).",
        SCHEMA);
  }

  @Override
  Planned plan(Deployment current, JsonNode arguments) {
    if (!arguments.hasNonNull("memory") && !arguments.hasNonNull("cpu")) {
      return refuse("give memory, cpu or both: nothing to change");
    }
    List<Container> containers = current.getSpec().getTemplate().getSpec().getContainers();
    int index = containerIndex(containers, arguments.path("container").asText(null));
    if (index < 0) {
      return refuse(
          describe(arguments)
              + " has containers "
              + containers.stream().map(Container::getName).toList()
              + "; name one of them as container");
    }
    Container container = containers.get(index);
    ResourceRequirements resources =
        container.getResources() == null ? new ResourceRequirements() : container.getResources();
    Map<String, Quantity> limits = new LinkedHashMap<>(orEmpty(resources.getLimits()));
    Map<String, Quantity> requests = new LinkedHashMap<>(orEmpty(resources.getRequests()));
    List<Change> changes = new ArrayList<>();
    Map<String, Object> undo = new HashMap<>(target(arguments));
    undo.put("container", container.getName());
    boolean undoable = true;
    for (String kind : List.of("memory", "cpu")) {
      if (!arguments.hasNonNull(kind)) {
        continue;
      }
      Quantity wanted = new Quantity(arguments.get(kind).asText());
      BigDecimal to = Quantity.getAmountInBytes(wanted);
      BigDecimal max =
          Quantity.getAmountInBytes(new Quantity(kind.equals("memory") ? MAX_MEMORY : MAX_CPU));
      if (to.compareTo(max) > 0) {
        return new NotPlanned(
            Refused.overLimits(
                kind
                    + " limit "
                    + wanted
                    + " is above the most set_resources allows ("
                    + (kind.equals("memory") ? MAX_MEMORY : MAX_CPU)
                    + ")"));
      }
      String floor = kind.equals("memory") ? MIN_MEMORY : MIN_CPU;
      if (to.compareTo(Quantity.getAmountInBytes(new Quantity(floor))) < 0) {
        return new NotPlanned(
            Refused.overLimits(
                kind
                    + " limit "
                    + wanted
                    + " is below the least set_resources allows ("
                    + floor
                    + ")"));
      }
      Quantity before = limits.get(kind);
      if (before != null) {
        BigDecimal from = Quantity.getAmountInBytes(before);
        if (from.compareTo(to) == 0) {
          continue;
        }
        BigDecimal factor = BigDecimal.valueOf(MAX_FACTOR);
        if (to.compareTo(from.multiply(factor)) > 0 || from.compareTo(to.multiply(factor)) > 0) {
          return new NotPlanned(
              Refused.overLimits(
                  "changing the "
                      + kind
                      + " limit from "
                      + before
                      + " to "
                      + wanted
                      + " is more than a factor of "
                      + MAX_FACTOR
                      + " in one approval"));
        }
        undo.put(kind, before.toString());
      } else {
        undoable = false; // no limit before: this action cannot remove one again
      }
      changes.add(
          new Change(
              "container " + container.getName() + " " + kind + " limit",
              before == null ? "none" : before.toString(),
              wanted.toString()));
      limits.put(kind, wanted);
      Quantity request = requests.get(kind);
      if (request != null && Quantity.getAmountInBytes(request).compareTo(to) > 0) {
        changes.add(
            new Change(
                "container " + container.getName() + " " + kind + " request",
                request.toString(),
                wanted.toString()));
        requests.put(kind, wanted);
        undoable = false; // two values moved; undo would need both
      }
    }
    if (changes.isEmpty()) {
      return refuse(describe(arguments) + " already has those limits; nothing to change");
    }
    ResourceRequirements next =
        new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder(resources)
            .withLimits(limits)
            .withRequests(requests.isEmpty() ? null : requests)
            .build();
    String summary =
        "Set resources of container %s in %s: %s"
            .formatted(
                container.getName(),
                describe(arguments),
                String.join(
                    ", ",
                    changes.stream()
                        .map(
                            c ->
                                c.field().replaceFirst("^container \\S+ ", "")
                                    + " "
                                    + c.from()
                                    + " -> "
                                    + c.to())
                        .toList()));
    Plan plan =
        new Plan(
            summary, changes, undoable ? Optional.of(new Inverse(name(), undo)) : Optional.empty());
    String path = "/spec/template/spec/containers/" + index;
    String containerName = container.getName();
    boolean hasAnnotations = current.getMetadata().getAnnotations() != null;
    return new Intent(
        plan,
        context -> {
          // A JSON patch whose first operation checks the container is still the one planned:
          // applied twice (a client retry) it sets the same values again.
          ArrayNode ops = JSON.createArrayNode();
          ops.addObject().put("op", "test").put("path", path + "/name").put("value", containerName);
          ops.addObject()
              .put("op", "add")
              .put("path", path + "/resources")
              .set("value", JSON.valueToTree(next));
          if (!hasAnnotations) {
            ops.addObject()
                .put("op", "add")
                .put("path", "/metadata/annotations")
                .set("value", JSON.valueToTree(ChangeRecorder.provenance(context)));
          } else {
            ChangeRecorder.provenance(context)
                .forEach(
                    (key, value) ->
                        ops.addObject()
                            .put("op", "add")
                            .put("path", "/metadata/annotations/" + pointer(key))
                            .put("value", value));
          }
          return new Patch(PatchType.JSON, ops.toString());
        });
  }

  /** A JSON pointer segment: {@code ~} and {@code /} escaped. */
  private static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static int containerIndex(List<Container> containers, String named) {
    if (named == null) {
      return containers.size() == 1 ? 0 : -1;
    }
    for (int i = 0; i < containers.size(); i++) {
      if (containers.get(i).getName().equals(named)) {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, Quantity> orEmpty(Map<String, Quantity> map) {
    return map == null ? Map.of() : map;
  }

  @Override
  String done(Plan plan) {
    return plan.summary();
  }

  @Override
  String eventReason() {
    return "PitcrewSetResources";
  }
}
