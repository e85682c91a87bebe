package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;

/** What every action states about itself: its name, what it does, its parameters. */
abstract class Action implements Remediation {
  private final String name;
  private final String description;
  private final JsonNode schema;

  Action(String name, String description, JsonNode schema) {
    this.name = name;
    this.description = description;
    this.schema = schema;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final JsonNode parameterSchema() {
    return schema.deepCopy();
  }

  static String namespace(JsonNode arguments) {
    return arguments.path("namespace").asText();
  }

  static String objectName(JsonNode arguments) {
    return arguments.path("name").asText();
  }

  /** {@code shop/checkout}. */
  static String qualified(JsonNode arguments) {
    return namespace(arguments) + "/" + objectName(arguments);
  }
}
