package dev.pitcrew.remediations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

final class Schemas {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Namespace and Deployment name as Kubernetes accepts them (RFC 1123 labels / subdomains). */
  static final String DEPLOYMENT_TARGET =
      """
      "namespace": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63,
                    "description": "Namespace of the Deployment"},
      "name": {"type": "string", "pattern": "^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$", "maxLength": 253,
               "description": "Name of the Deployment"}
      """;

  private Schemas() {}

  static JsonNode parse(String schema) {
    try {
      return JSON.readTree(schema);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("built-in schema is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
