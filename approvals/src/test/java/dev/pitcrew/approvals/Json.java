package dev.pitcrew.approvals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Typed test values for approvals, written as JSON text. */
public final class Json {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Json() {}

  public static ObjectNode object(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  /** {@code field: from -> to} with whole numbers. */
  public static List<PlannedChange> change(String field, int from, int to) {
    return List.of(new PlannedChange(field, IntNode.valueOf(from), IntNode.valueOf(to)));
  }
}
