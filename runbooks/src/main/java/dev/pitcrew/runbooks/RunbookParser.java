package dev.pitcrew.runbooks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.pitcrew.remediations.Remediation;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads one runbook document and checks it against the actions it may use. */
final class RunbookParser {
  // OpenAI function names: ^[a-zA-Z0-9_-]{1,64}$; we keep to lower snake case.
  private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_]{0,63}$");
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  static final SchemaRegistry SCHEMAS =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private final Map<String, Remediation> actions;

  RunbookParser(Map<String, Remediation> actions) {
    this.actions = actions;
  }

  record LimitsFile(
      @JsonProperty("allowedNamespaces") List<String> allowedNamespaces,
      @JsonProperty("protectedNamespaces") List<String> protectedNamespaces,
      @JsonProperty("maxScaleStep") Integer maxScaleStep,
      @JsonProperty("verifyTimeout") String verifyTimeout) {}

  record RunbookFile(
      @JsonProperty("name") String name,
      @JsonProperty("action") String action,
      @JsonProperty("description") String description,
      @JsonProperty("whenToUse") String whenToUse,
      @JsonProperty("whenNotToUse") String whenNotToUse,
      @JsonProperty("parameters") JsonNode parameters,
      @JsonProperty("limits") LimitsFile limits) {}

  Runbook parse(RunbookSource source) {
    RunbookFile file;
    try {
      file = YAML.readValue(source.yaml(), RunbookFile.class);
    } catch (JsonMappingException e) {
      String field =
          e.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      // Jackson points past the offending value; the field's own line is more useful.
      Integer line = fieldLines(source.yaml()).get(field);
      if (line == null) {
        line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
      }
      throw new RunbookException(
          source.origin(), line, field.isEmpty() ? "(document)" : field, e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
      throw new RunbookException(source.origin(), line, "(document)", e.getOriginalMessage());
    }
    if (file == null) {
      throw new RunbookException(source.origin(), 1, "(document)", "the file is empty");
    }
    Map<String, Integer> lines = fieldLines(source.yaml());
    Checker check = new Checker(source.origin(), lines);

    check.that(file.name() != null, "name", "is required");
    check.that(
        NAME.matcher(file.name()).matches(),
        "name",
        "'" + file.name() + "' must be lower snake case, 1 to 64 characters (a-z, 0-9, _)");
    check.that(file.action() != null, "action", "is required");
    Remediation action = actions.get(file.action());
    check.that(
        action != null,
        "action",
        "unknown action '"
            + file.action()
            + "'; known actions: "
            + actions.keySet().stream().sorted().collect(Collectors.joining(", ")));
    check.that(
        file.description() != null && !file.description().isBlank(),
        "description",
        "is required: the model chooses runbooks by it");
    JsonNode parameters = file.parameters();
    check.that(parameters != null && parameters.isObject(), "parameters", "must be a JSON Schema");
    check.that(
        "object".equals(parameters.path("type").asText()), "parameters.type", "must be 'object'");
    check.that(
        parameters.path("additionalProperties").isBoolean()
            && !parameters.path("additionalProperties").asBoolean(),
        "parameters.additionalProperties",
        "must be false, so the model cannot pass arguments the runbook does not name");
    JsonNode actionProperties = action.parameterSchema().path("properties");
    parameters
        .path("properties")
        .fieldNames()
        .forEachRemaining(
            p ->
                check.that(
                    actionProperties.has(p),
                    "parameters.properties." + p,
                    "action " + action.name() + " has no parameter '" + p + "'"));
    Set<String> required = new LinkedHashSet<>();
    parameters.path("required").forEach(r -> required.add(r.asText()));
    action
        .parameterSchema()
        .path("required")
        .forEach(
            r ->
                check.that(
                    required.contains(r.asText()),
                    "parameters.required",
                    "must include '" + r.asText() + "', which " + action.name() + " needs"));
    Schema schema;
    try {
      schema = SCHEMAS.getSchema(parameters);
      schema.validate(YAML.createObjectNode());
    } catch (SchemaException | IllegalArgumentException e) {
      throw check.fail("parameters", "is not a valid JSON Schema: " + e.getMessage());
    }

    LimitsFile limits =
        file.limits() == null ? new LimitsFile(null, null, null, null) : file.limits();
    check.that(
        limits.maxScaleStep() == null || limits.maxScaleStep() > 0,
        "limits.maxScaleStep",
        "must be a positive number of replicas");

    Duration verifyTimeout = Limits.DEFAULT_VERIFY_TIMEOUT;
    if (limits.verifyTimeout() != null) {
      try {
        verifyTimeout = Duration.parse(limits.verifyTimeout());
      } catch (DateTimeParseException e) {
        throw check.fail(
            "limits.verifyTimeout",
            "'" + limits.verifyTimeout() + "' is not an ISO-8601 duration such as PT5M");
      }
      check.that(
          !verifyTimeout.isNegative() && !verifyTimeout.isZero(),
          "limits.verifyTimeout",
          "must be positive");
    }

    String description =
        file.description().strip()
            + (file.whenToUse() == null ? "" : "\nWhen to use: " + file.whenToUse().strip())
            + (file.whenNotToUse() == null
                ? ""
                : "\nWhen not to use: " + file.whenNotToUse().strip());
    return new Runbook(
        file.name(),
        description,
        parameters,
        new Limits(
            limits.allowedNamespaces() == null ? Set.of() : Set.copyOf(limits.allowedNamespaces()),
            limits.protectedNamespaces() == null
                ? Limits.DEFAULT_PROTECTED
                : Set.copyOf(limits.protectedNamespaces()),
            limits.maxScaleStep(),
            verifyTimeout),
        action,
        schema,
        SCHEMAS.getSchema(action.parameterSchema()),
        List.of()); // the catalog adds clusters when they are named
  }

  /** Line of every mapping key, by dotted path, so semantic errors can point at the field. */
  private static Map<String, Integer> fieldLines(String yaml) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser parser = YAML.createParser(yaml)) {
      List<String> path = new ArrayList<>();
      String pending = null;
      boolean root = true;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        switch (token) {
          case FIELD_NAME -> {
            pending = parser.currentName();
            String full = path.isEmpty() ? pending : String.join(".", path) + "." + pending;
            lines.putIfAbsent(full, parser.currentTokenLocation().getLineNr());
          }
          case START_OBJECT, START_ARRAY -> {
            if (root) {
              root = false;
            } else {
              path.add(pending == null ? "[]" : pending);
            }
            pending = null;
          }
          case END_OBJECT, END_ARRAY -> {
            if (!path.isEmpty()) {
              path.remove(path.size() - 1);
            }
          }
          default -> pending = null;
        }
      }
    } catch (IOException e) {
      // The document was already parsed once; a failure here only costs line numbers.
    }
    return lines;
  }

  private static final class Checker {
    private final String origin;
    private final Map<String, Integer> lines;

    Checker(String origin, Map<String, Integer> lines) {
      this.origin = origin;
      this.lines = lines;
    }

    void that(boolean ok, String field, String reason) {
      if (!ok) {
        throw fail(field, reason);
      }
    }

    RunbookException fail(String field, String reason) {
      // A missing field has no line of its own: point at its parent, else the top.
      String key = field;
      Integer line = lines.get(key);
      while (line == null && key.contains(".")) {
        key = key.substring(0, key.lastIndexOf('.'));
        line = lines.get(key);
      }
      return new RunbookException(origin, line == null ? 1 : line, field, reason);
    }
  }
}
