package dev.pitcrew.remediations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

final class Schemas {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Namespace as Kubernetes accepts it (an RFC 1123 label). */
  static final String NAMESPACE =
      "\"namespace\": {\"type\": \"string\", \"pattern\": \"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$\","
          + " \"maxLength\": 63, \"description\": \"Namespace\"}";

  /** An object name (an RFC 1123 subdomain). */
  static String name(String what) {
    return "\"name\": {\"type\": \"string\", \"pattern\":"
        + " \"^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$\", \"maxLength\": 253, \"description\": \"Name of the "
        + what
        + "\"}";
  }

  /** {@code namespace} and {@code name} of one namespaced object, plus more properties. */
  static JsonNode namespaced(String what, String... moreProperties) {
    StringBuilder properties = new StringBuilder(NAMESPACE).append(", ").append(name(what));
    for (String p : moreProperties) {
      properties.append(", ").append(p);
    }
    return object(properties.toString(), "\"namespace\", \"name\"");
  }

  static JsonNode object(String properties, String required) {
    return parse(
        "{\"type\": \"object\", \"additionalProperties\": false, \"required\": ["
            + required
            + "], \"properties\": {"
            + properties
            + "}}");
  }

  static JsonNode parse(String schema) {
    try {
      return JSON.readTree(schema);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("built-in schema is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
