package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;

final class ScaleDeployment implements Remediation {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode SCHEMA =
      Schemas.parse(
          """
          {"type": "object", "additionalProperties": false,
           "required": ["namespace", "name", "replicas"],
           "properties": {%s,
             "replicas": {"type": "integer", "minimum": 0, "maximum": 1000,
                          "description": "Wanted number of replicas"}}}
          """
              .formatted(Schemas.DEPLOYMENT_TARGET));

  private final KubernetesClient client;
  private final ChangeRecorder recorder;

  ScaleDeployment(KubernetesClient client, ChangeRecorder recorder) {
    this.client = client;
    this.recorder = recorder;
  }

  @Override
  public String name() {
    return "deployment.scale";
  }

  @Override
  public Risk risk() {
    return Risk.MUTATE;
  }

  @Override
  public String description() {
    return "Set the number of replicas of one Deployment.";
  }

  @Override
  public JsonNode parameterSchema() {
    return SCHEMA;
  }

  @Override
  public Preview preview(JsonNode arguments) {
    Target t = Target.of(arguments);
    Deployment current;
    try {
      current = t.resource(client).get();
    } catch (KubernetesClientException e) {
      return KubeFailures.describe(e, "read", t.describe());
    }
    if (current == null) {
      return new Refused(t.describe() + " was not found");
    }
    int from = replicas(current);
    if (from == t.replicas) {
      return new Refused(t.describe() + " already has " + from + " replicas; nothing to change");
    }
    // No server-side dry run: a scale's effect is fully determined by spec.replicas.
    return new Plan(
        "Scale %s from %d to %d replicas".formatted(t.describe(), from, t.replicas),
        List.of(new Change("spec.replicas", from, t.replicas)),
        t.withReplicas(from));
  }

  @Override
  public Outcome execute(JsonNode arguments, ChangeContext context) {
    Target t = Target.of(arguments);
    Deployment before;
    try {
      before = t.resource(client).get();
    } catch (KubernetesClientException e) {
      return KubeFailures.describe(e, "read", t.describe());
    }
    if (before == null) {
      return new Refused(t.describe() + " was not found");
    }
    int from = replicas(before);
    Deployment after;
    try {
      // A merge patch of absolute values is idempotent, so Fabric8 re-sending it on a 5xx or a
      // timeout cannot scale twice.
      after = t.resource(client).patch(PatchContext.of(PatchType.JSON_MERGE), patch(t, context));
    } catch (KubernetesClientException e) {
      after = readBackIfApplied(t, context);
      if (after == null) {
        return KubeFailures.describe(e, "scale", t.describe());
      }
    }
    recorder.event(
        after,
        "PitcrewScaled",
        "Scaled from %d to %d replicas".formatted(from, t.replicas),
        context);
    return new Applied(
        "Scaled %s from %d to %d replicas".formatted(t.describe(), from, replicas(after)),
        Map.of("from", from, "to", replicas(after)),
        t.withReplicas(from));
  }

  /** After an error the write may still have landed (a lost response); the cluster decides. */
  private Deployment readBackIfApplied(Target t, ChangeContext context) {
    try {
      Deployment now = t.resource(client).get();
      if (now != null
          && replicas(now) == t.replicas
          && now.getMetadata().getAnnotations() != null
          && context
              .correlationId()
              .equals(now.getMetadata().getAnnotations().get(ChangeRecorder.CORRELATION_ID))) {
        return now;
      }
    } catch (KubernetesClientException ignored) {
      // The original error is the one worth reporting.
    }
    return null;
  }

  private static String patch(Target t, ChangeContext context) {
    var root = JSON.createObjectNode();
    var annotations = root.putObject("metadata").putObject("annotations");
    ChangeRecorder.provenance(context).forEach(annotations::put);
    root.putObject("spec").put("replicas", t.replicas);
    return root.toString();
  }

  private static int replicas(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  private record Target(String namespace, String name, int replicas) {
    static Target of(JsonNode arguments) {
      return new Target(
          arguments.path("namespace").asText(),
          arguments.path("name").asText(),
          arguments.path("replicas").asInt());
    }

    RollableScalableResource<Deployment> resource(KubernetesClient client) {
      return client.apps().deployments().inNamespace(namespace).withName(name);
    }

    String describe() {
      return "deployment " + namespace + "/" + name;
    }

    Map<String, Object> withReplicas(int count) {
      return Map.of("namespace", namespace, "name", name, "replicas", count);
    }
  }
}
