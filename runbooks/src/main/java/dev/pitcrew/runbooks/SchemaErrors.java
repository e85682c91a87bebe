package dev.pitcrew.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Schema errors in words a person reads: "replicas is required", "namespace must be a DNS label",
 * instead of the validator's ": required property 'replicas' not found".
 */
final class SchemaErrors {
  private SchemaErrors() {}

  /**
   * Every error, one clause each, joined with "; ". Of two errors about the same field and rule
   * (the runbook's maximum and the action's), only the first, the narrower one, is said.
   */
  static String plain(List<Error> errors, JsonNode schema) {
    Map<String, String> said = new LinkedHashMap<>();
    for (Error error : errors) {
      said.putIfAbsent(
          error.getInstanceLocation() + " " + error.getKeyword() + " " + error.getProperty(),
          plain(error, schema));
    }
    return said.values().stream().distinct().collect(Collectors.joining("; "));
  }

  static String plain(Error error, JsonNode schema) {
    String at = error.getInstanceLocation().toString().replaceFirst("^/", "").replace('/', '.');
    String field = at.isEmpty() ? "the arguments" : at;
    JsonNode rule = error.getSchemaNode();
    return switch (error.getKeyword()) {
      case "required" -> error.getProperty() + " is required";
      case "additionalProperties" ->
          error.getProperty()
              + " is not a parameter here; the parameters are "
              + String.join(", ", parameters(schema));
      case "type" -> field + " must be " + SchemaWords.type(rule.asText());
      case "pattern" -> field + " must be " + SchemaWords.patternExplained(rule.asText());
      case "maxLength" -> field + " must be at most " + rule.asText() + " characters long";
      case "minLength" -> field + " must be at least " + rule.asText() + " characters long";
      case "maximum" -> field + " must be at most " + rule.asText();
      case "minimum" -> field + " must be at least " + rule.asText();
      case "enum" -> field + " must be one of " + values(rule);
      default -> field + ": " + error.getMessage();
    };
  }

  private static List<String> parameters(JsonNode schema) {
    List<String> names = new ArrayList<>();
    schema.path("properties").fieldNames().forEachRemaining(names::add);
    return names.stream().sorted().toList();
  }

  private static String values(JsonNode rule) {
    List<String> values = new ArrayList<>();
    rule.forEach(v -> values.add(v.isTextual() ? v.asText() : v.toString()));
    return String.join(", ", values);
  }
}
