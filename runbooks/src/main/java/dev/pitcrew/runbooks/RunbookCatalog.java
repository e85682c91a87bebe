package dev.pitcrew.runbooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import dev.pitcrew.remediations.Remediation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The runbooks Pitcrew offers, loaded once at start-up; immutable and thread-safe. */
public final class RunbookCatalog {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Schema rules that are limits: what may be asked for, not how to spell it. */
  private static final Set<String> LIMIT_KEYWORDS =
      Set.of(
          "maximum",
          "minimum",
          "exclusiveMaximum",
          "exclusiveMinimum",
          "enum",
          "const",
          "pattern",
          "maxLength",
          "additionalProperties");

  private final Map<String, Runbook> runbooks;

  private RunbookCatalog(Map<String, Runbook> runbooks) {
    this.runbooks = runbooks;
  }

  /** The shipped runbooks over these actions. */
  public static RunbookCatalog shipped(Collection<Remediation> actions) {
    return load(actions, RunbookSource.shipped());
  }

  /**
   * Loads every source or fails on the first bad one.
   *
   * @throws RunbookException naming the file, line, field and reason
   */
  public static RunbookCatalog load(
      Collection<Remediation> actions, Collection<RunbookSource> sources) {
    Map<String, Remediation> byName = new LinkedHashMap<>();
    actions.forEach(a -> byName.put(a.name(), a));
    RunbookParser parser = new RunbookParser(byName);
    Map<String, Runbook> runbooks = new LinkedHashMap<>();
    Map<String, String> origins = new LinkedHashMap<>();
    for (RunbookSource source : sources) {
      Runbook runbook = parser.parse(source);
      String previous = origins.putIfAbsent(runbook.name(), source.origin());
      if (previous != null) {
        throw new RunbookException(
            source.origin(),
            1,
            "name",
            "'" + runbook.name() + "' is already defined in " + previous);
      }
      runbooks.put(runbook.name(), runbook);
    }
    return new RunbookCatalog(Map.copyOf(runbooks));
  }

  /**
   * This catalog with {@code namespaces} protected in every runbook, on top of each runbook's own
   * list: the bot's own namespace, typically.
   */
  public RunbookCatalog protecting(Set<String> namespaces) {
    Map<String, Runbook> protectedRunbooks = new LinkedHashMap<>();
    runbooks.forEach(
        (name, runbook) -> protectedRunbooks.put(name, runbook.protecting(namespaces)));
    return new RunbookCatalog(Map.copyOf(protectedRunbooks));
  }

  /**
   * This catalog with only the runbooks {@code names}, the ones an installation enabled (and
   * granted RBAC for).
   *
   * @param setting where the names came from, for the error message
   * @throws RunbookException naming the first name that is not a loaded runbook
   */
  public RunbookCatalog only(Set<String> names, String setting) {
    for (String name : new java.util.TreeSet<>(names)) {
      if (!runbooks.containsKey(name)) {
        throw new RunbookException(
            setting
                + " names '"
                + name
                + "', which is not a loaded runbook; loaded: "
                + String.join(", ", new java.util.TreeSet<>(runbooks.keySet())));
      }
    }
    Map<String, Runbook> kept = new LinkedHashMap<>(runbooks);
    kept.keySet().retainAll(names);
    return new RunbookCatalog(Map.copyOf(kept));
  }

  /**
   * This catalog with a {@code cluster} argument on every runbook, taking one of {@code names}:
   * optional (and filled in) when there is one, required when there are several. No names: no
   * argument, as before clusters were named.
   */
  public RunbookCatalog onClusters(List<String> names) {
    Map<String, Runbook> withClusters = new LinkedHashMap<>();
    runbooks.forEach((name, runbook) -> withClusters.put(name, runbook.withClusters(names)));
    return new RunbookCatalog(Map.copyOf(withClusters));
  }

  public List<Runbook> runbooks() {
    return runbooks.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
  }

  public Optional<Runbook> find(String name) {
    return Optional.ofNullable(runbooks.get(name));
  }

  /**
   * Checks a tool call before anything runs: the runbook exists, the arguments are a JSON object,
   * and they satisfy both the runbook's schema and the action's.
   */
  public ArgumentCheck check(String name, String argumentsJson) {
    Runbook runbook = runbooks.get(name);
    if (runbook == null) {
      return new ArgumentCheck.Rejected(
          "unknown tool '" + name + "'; available tools: " + String.join(", ", names()),
          ArgumentCheck.Reason.UNKNOWN_TOOL);
    }
    JsonNode arguments;
    try {
      arguments =
          argumentsJson == null || argumentsJson.isBlank()
              ? JSON.createObjectNode()
              : JSON.readTree(argumentsJson);
    } catch (JsonProcessingException e) {
      return new ArgumentCheck.Rejected(
          "arguments for " + name + " are not valid JSON: " + e.getOriginalMessage(),
          ArgumentCheck.Reason.INVALID_JSON);
    }
    return check(runbook, arguments);
  }

  /** As {@link #check(String, String)} for arguments already parsed. */
  public ArgumentCheck check(Runbook runbook, JsonNode arguments) {
    if (!(arguments instanceof ObjectNode object)) {
      return new ArgumentCheck.Rejected(
          "arguments for " + runbook.name() + " must be a JSON object",
          ArgumentCheck.Reason.INVALID_JSON);
    }
    ObjectNode accepted = object.deepCopy();
    List<String> problems = new ArrayList<>();
    ObjectNode own = object;
    if (!runbook.clusters().isEmpty()) {
      clusterProblem(runbook.clusters(), object.get(Runbook.CLUSTER)).ifPresent(problems::add);
      own = (ObjectNode) Runbook.withoutCluster(object);
      if (!object.has(Runbook.CLUSTER) && runbook.clusters().size() == 1) {
        accepted.put(Runbook.CLUSTER, runbook.clusters().get(0));
      }
    }
    // Both schemas at once, so one answer names every problem (the action's DNS-label rule too).
    List<Error> errors = new ArrayList<>(runbook.schema().validate(own));
    errors.addAll(runbook.actionSchema().validate(own));
    if (!errors.isEmpty()) {
      problems.add(SchemaErrors.plain(errors, runbook.toolSpec().parameters()));
    }
    if (!problems.isEmpty()) {
      boolean overLimits = errors.stream().anyMatch(e -> LIMIT_KEYWORDS.contains(e.getKeyword()));
      return new ArgumentCheck.Rejected(
          "arguments for " + runbook.name() + " are not valid: " + String.join("; ", problems),
          overLimits ? ArgumentCheck.Reason.OVER_LIMITS : ArgumentCheck.Reason.SCHEMA);
    }
    return new ArgumentCheck.Accepted(runbook, accepted);
  }

  private static Optional<String> clusterProblem(List<String> clusters, JsonNode given) {
    String choices = String.join(", ", clusters);
    if (given == null) {
      return clusters.size() == 1
          ? Optional.empty()
          : Optional.of("cluster is required (one of " + choices + ")");
    }
    if (!given.isTextual() || !clusters.contains(given.asText())) {
      return Optional.of("cluster must be one of " + choices);
    }
    return Optional.empty();
  }

  private List<String> names() {
    return runbooks.keySet().stream().sorted().toList();
  }
}
