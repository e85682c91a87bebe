package dev.pitcrew.bot.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code run <runbook> key=value ...}: a runbook call typed by a person, no model involved. Values
 * are typed by the runbook's schema (integers, booleans, strings); quotes allow spaces.
 */
public record ExplicitCommand(String runbook, ObjectNode arguments) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PAIR =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(?:\"([^\"]*)\"|'([^']*)'|(\\S+))");

  /** The runbook named after {@code run}, or empty if the text is not a run command. */
  static Optional<String> runbookOf(String text) {
    String[] words = text.strip().split("\\s+", 3);
    return words.length >= 2 && words[0].equals("run") ? Optional.of(words[1]) : Optional.empty();
  }

  /**
   * Parses {@code run name k=v ...} against the runbook's parameter schema.
   *
   * @return the command, or an error that says what is wrong with the text
   */
  static ExplicitCommand parse(String text, JsonNode schema) throws IllegalArgumentException {
    String[] words = text.strip().split("\\s+", 3);
    String runbook = words[1];
    ObjectNode arguments = JSON.createObjectNode();
    String rest = words.length == 3 ? words[2].strip() : "";
    Matcher m = PAIR.matcher(rest);
    int at = 0;
    while (at < rest.length()) {
      if (!m.find(at) || m.start() != at) {
        String bad = rest.substring(at).split("\\s+")[0];
        throw new IllegalArgumentException(
            "expected key=value, got '" + bad + "' (quote values with spaces: key=\"a b\")");
      }
      String key = m.group(1);
      if (arguments.has(key)) {
        // "the last one wins" would run something other than what half the line says
        throw new IllegalArgumentException(key + " is given twice; give it once");
      }
      String value = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
      put(arguments, key, value, schema.path("properties").path(key).path("type").asText(""));
      at = m.end();
      while (at < rest.length() && Character.isWhitespace(rest.charAt(at))) {
        at++;
      }
    }
    return new ExplicitCommand(runbook, arguments);
  }

  /**
   * The command a person types to make this call: {@code run name k=v ...}, keys sorted, values
   * with spaces quoted; {@link #parse} reads it back to the same arguments.
   */
  static String format(String runbook, JsonNode arguments) {
    StringBuilder text = new StringBuilder("run ").append(runbook);
    new java.util.TreeMap<>(JSON.convertValue(arguments, java.util.Map.class))
        .forEach(
            (key, value) -> {
              String v = String.valueOf(value);
              text.append(' ')
                  .append(key)
                  .append('=')
                  .append(v.isEmpty() || v.matches(".*\\s.*") ? "\"" + v + "\"" : v);
            });
    return text.toString();
  }

  private static void put(ObjectNode arguments, String key, String value, String type) {
    switch (type) {
      case "integer" -> {
        try {
          arguments.put(key, Long.parseLong(value));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              value.matches("-?\\d+")
                  ? key + " is too large: " + value
                  : key + " must be a whole number, got '" + value + "'");
        }
      }
      case "boolean" -> {
        if (!value.equals("true") && !value.equals("false")) {
          throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
        }
        arguments.put(key, Boolean.parseBoolean(value));
      }
      default -> arguments.put(key, value);
    }
  }
}
