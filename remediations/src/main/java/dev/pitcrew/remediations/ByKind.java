package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One action over several kinds of workload, chosen by a {@code kind} argument ({@code Deployment}
 * when absent, so every call made before kinds existed means what it meant). The Deployment action
 * names it; each kind's action does the work; its RBAC is all of theirs.
 */
final class ByKind implements Remediation {
  static final String DEPLOYMENT = "Deployment";

  private final Remediation deployment;
  private final Map<String, Remediation> others;

  private ByKind(Remediation deployment, Map<String, Remediation> others) {
    this.deployment = deployment;
    this.others = others;
  }

  /** {@code deployment}, and the same action for each other kind. */
  static ByKind of(Remediation deployment, Map<String, Remediation> others) {
    return new ByKind(deployment, new java.util.TreeMap<>(others));
  }

  /** The action for the call's kind; empty for a kind this action does not apply to. */
  private java.util.Optional<Remediation> chosen(JsonNode arguments) {
    String kind = arguments.path("kind").asText(DEPLOYMENT);
    return kind.equals(DEPLOYMENT)
        ? java.util.Optional.of(deployment)
        : java.util.Optional.ofNullable(others.get(kind));
  }

  private Refused unknownKind(JsonNode arguments) {
    return new Refused(
        name()
            + " does not apply to a "
            + arguments.path("kind").asText()
            + "; it takes kind Deployment or "
            + String.join(" or ", others.keySet()));
  }

  @Override
  public String name() {
    return deployment.name();
  }

  @Override
  public Risk risk() {
    return deployment.risk();
  }

  @Override
  public String description() {
    return deployment.description()
        + " With kind: the same for a "
        + String.join(" or ", others.keySet())
        + ".";
  }

  /** Every kind's grants, one per resource and scope, verbs merged. */
  @Override
  public List<Permission> permissions() {
    Map<String, Permission> merged = new LinkedHashMap<>();
    List<Remediation> all = new ArrayList<>(List.of(deployment));
    all.addAll(others.values());
    for (Remediation action : all) {
      for (Permission p : action.permissions()) {
        String key = p.apiGroup() + "/" + p.resource() + "/" + p.scope();
        Permission had = merged.get(key);
        if (had == null) {
          merged.put(key, p);
        } else {
          Set<String> verbs = new TreeSet<>(had.verbs());
          verbs.addAll(p.verbs());
          merged.put(key, new Permission(p.apiGroup(), p.resource(), verbs, p.scope()));
        }
      }
    }
    return List.copyOf(merged.values());
  }

  @Override
  public JsonNode parameterSchema() {
    ObjectNode schema = (ObjectNode) deployment.parameterSchema();
    ObjectNode kind = ((ObjectNode) schema.get("properties")).putObject("kind");
    kind.put("type", "string");
    var kinds = kind.putArray("enum");
    kinds.add(DEPLOYMENT);
    others.keySet().forEach(kinds::add);
    kind.put("description", "Kind of workload (default Deployment)");
    return schema;
  }

  @Override
  public Preview preview(JsonNode arguments) {
    return chosen(arguments).map(a -> a.preview(arguments)).orElseGet(() -> unknownKind(arguments));
  }

  @Override
  public Outcome execute(JsonNode arguments, ChangeContext context) {
    return chosen(arguments)
        .<Outcome>map(a -> a.execute(arguments, context))
        .orElseGet(() -> unknownKind(arguments));
  }

  @Override
  public Remediation within(Namespaces namespaces) {
    Map<String, Remediation> kept = new LinkedHashMap<>();
    others.forEach((k, v) -> kept.put(k, v.within(namespaces)));
    return new ByKind(deployment.within(namespaces), kept);
  }
}
