package dev.pitcrew.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import dev.pitcrew.remediations.Change;
import dev.pitcrew.remediations.ChangeContext;
import dev.pitcrew.remediations.Outcome;
import dev.pitcrew.remediations.Plan;
import dev.pitcrew.remediations.Preview;
import dev.pitcrew.remediations.Refused;
import dev.pitcrew.remediations.Remediation;
import dev.pitcrew.remediations.Risk;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One runbook: an action, the schema that narrows its arguments, and the limits enforced before the
 * action sees them. Obtain from a {@link RunbookCatalog}.
 */
public final class Runbook {
  private final String name;
  private final String description;
  private final JsonNode parameters;
  private final Limits limits;
  private final Remediation action;
  private final Schema schema;
  private final Schema actionSchema;
  private final List<String> clusters;

  /**
   * @param clusters the names the {@code cluster} argument takes; empty when clusters are not named
   */
  Runbook(
      String name,
      String description,
      JsonNode parameters,
      Limits limits,
      Remediation action,
      Schema schema,
      Schema actionSchema,
      List<String> clusters) {
    this.name = name;
    this.description = description;
    this.parameters = parameters;
    this.limits = limits;
    // An action that reaches into many namespaces keeps to the runbook's, however it was bound.
    this.action =
        action.within(
            new Remediation.Namespaces(limits.allowedNamespaces(), limits.protectedNamespaces()));
    this.schema = schema;
    this.actionSchema = actionSchema;
    this.clusters = List.copyOf(clusters);
  }

  /**
   * The cluster a call names, when clusters are named; arguments accepted by the catalog always
   * name one then.
   */
  public static Optional<String> cluster(JsonNode arguments) {
    JsonNode cluster = arguments.get(CLUSTER);
    return cluster != null && cluster.isTextual()
        ? Optional.of(cluster.asText())
        : Optional.empty();
  }

  /** The argument every runbook takes when clusters are named. */
  public static final String CLUSTER = "cluster";

  /** The cluster names this runbook's {@code cluster} argument takes; empty when none are named. */
  public List<String> clusters() {
    return clusters;
  }

  /**
   * This runbook over another instance of its action: the same action bound to another cluster or
   * identity. Schema, limits and clusters stay.
   *
   * @throws IllegalArgumentException if {@code other} is a different action
   */
  public Runbook on(Remediation other) {
    if (!other.name().equals(action.name())) {
      throw new IllegalArgumentException(
          "runbook " + name + " runs " + action.name() + ", not " + other.name());
    }
    return new Runbook(
        name, description, parameters, limits, other, schema, actionSchema, clusters);
  }

  Runbook withClusters(List<String> names) {
    return new Runbook(name, description, parameters, limits, action, schema, actionSchema, names);
  }

  public String name() {
    return name;
  }

  /** The text the model reads: what it does, when to use it and when not to. */
  public String description() {
    return description;
  }

  public Risk risk() {
    return action.risk();
  }

  public String actionName() {
    return action.name();
  }

  public Limits limits() {
    return limits;
  }

  public ToolSpec toolSpec() {
    return new ToolSpec(name, description, parametersWithCluster(), action.risk());
  }

  /** The parameters as offered: with a {@code cluster} argument when clusters are named. */
  private JsonNode parametersWithCluster() {
    ObjectNode offered = (ObjectNode) parameters.deepCopy();
    if (clusters.isEmpty()) {
      return offered;
    }
    ObjectNode properties =
        offered.has("properties")
            ? (ObjectNode) offered.get("properties")
            : offered.putObject("properties");
    ObjectNode cluster = properties.putObject(CLUSTER);
    cluster.put("type", "string");
    clusters.forEach(cluster.putArray("enum")::add);
    cluster.put(
        "description",
        clusters.size() == 1
            ? "The cluster to act on; only " + clusters.get(0) + " is configured."
            : "The cluster to act on: one of " + String.join(", ", clusters) + ".");
    if (clusters.size() > 1) {
      (offered.has("required") ? (ArrayNode) offered.get("required") : offered.putArray("required"))
          .add(CLUSTER);
    }
    return offered;
  }

  Runbook protecting(Set<String> namespaces) {
    return new Runbook(
        name,
        description,
        parameters,
        limits.protecting(namespaces),
        action,
        schema,
        actionSchema,
        clusters);
  }

  Schema schema() {
    return schema;
  }

  Schema actionSchema() {
    return actionSchema;
  }

  /**
   * The exact change this runbook would make with these (already checked) arguments, or why it will
   * not: limits are enforced here, before an approval is ever requested.
   */
  public Preview preview(JsonNode arguments) {
    Optional<String> violation = namespaceViolation(arguments);
    if (violation.isPresent()) {
      return Refused.overLimits(violation.get());
    }
    Preview preview = action.preview(withoutCluster(arguments));
    if (preview instanceof Plan plan) {
      Optional<String> step = scaleStepViolation(plan);
      if (step.isPresent()) {
        return Refused.overLimits(step.get());
      }
    }
    return preview;
  }

  /**
   * Runs the action. For a mutating runbook the caller must hold an approval for exactly these
   * arguments; limits are checked again because configuration may have changed since.
   */
  public Outcome execute(JsonNode arguments, ChangeContext context) {
    Optional<String> violation = namespaceViolation(arguments);
    if (violation.isPresent()) {
      return Refused.overLimits(violation.get());
    }
    return action.execute(
        withoutCluster(arguments),
        cluster(arguments).map(c -> context.onCluster(c)).orElse(context));
  }

  /** The arguments the action itself knows: its schema has no {@code cluster}. */
  static JsonNode withoutCluster(JsonNode arguments) {
    if (!arguments.has(CLUSTER) || !(arguments instanceof ObjectNode object)) {
      return arguments;
    }
    ObjectNode copy = object.deepCopy();
    copy.remove(CLUSTER);
    return copy;
  }

  private Optional<String> namespaceViolation(JsonNode arguments) {
    JsonNode ns = arguments.get("namespace");
    if (ns == null || !ns.isTextual()) {
      return Optional.empty();
    }
    String namespace = ns.asText();
    // Reads too: Pitcrew's own namespace holds its pods, whose logs hold every question and answer.
    if (limits.protectedNamespaces().contains(namespace)) {
      return Optional.of(
          "namespace "
              + namespace
              + " is protected: runbook "
              + name
              + (action.risk() == Risk.MUTATE ? " never changes it" : " never reads it"));
    }
    if (!limits.allowedNamespaces().isEmpty() && !limits.allowedNamespaces().contains(namespace)) {
      return Optional.of(
          "runbook "
              + name
              + " may only be used in namespaces "
              + String.join(", ", limits.allowedNamespaces().stream().sorted().toList())
              + ", not "
              + namespace);
    }
    return Optional.empty();
  }

  /** The fields {@code maxScaleStep} bounds: a workload's replicas and an autoscaler's bounds. */
  private static final Set<String> REPLICA_COUNTS =
      Set.of("spec.replicas", "spec.minReplicas", "spec.maxReplicas");

  private Optional<String> scaleStepViolation(Plan plan) {
    if (limits.maxScaleStep() == null) {
      return Optional.empty();
    }
    for (Change change : plan.changes()) {
      if (REPLICA_COUNTS.contains(change.field())
          && change.from() instanceof Integer from
          && change.to() instanceof Integer to
          && Math.abs(to - from) > limits.maxScaleStep()) {
        return Optional.of(
            "%s from %d to %d changes replicas by %d; runbook %s allows at most %d per approval"
                .formatted(
                    change.field().equals("spec.replicas")
                        ? "scaling"
                        : "setting " + change.field().substring("spec.".length()),
                    from,
                    to,
                    Math.abs(to - from),
                    name,
                    limits.maxScaleStep()));
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "Runbook[" + name + " -> " + action.name() + "]";
  }
}
