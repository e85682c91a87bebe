package dev.pitcrew.approvals;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One field an approved change will set, as the card showed it: typed values, compared as values
 * when the plan is checked again before running.
 */
public record PlannedChange(String field, JsonNode from, JsonNode to) {
  @Override
  public String toString() {
    return field + ": " + text(from) + " -> " + text(to);
  }

  private static String text(JsonNode value) {
    return value == null || value.isNull()
        ? "null"
        : value.isTextual() ? value.asText() : value.toString();
  }
}
