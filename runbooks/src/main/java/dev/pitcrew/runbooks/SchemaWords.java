package dev.pitcrew.runbooks;

/**
 * How a parameter schema's rules read to a person, once for the error messages ({@code namespace
 * must be a DNS label}) and for {@code help <runbook>} ({@code namespace: a DNS label}).
 */
public final class SchemaWords {
  /** The pattern of a Kubernetes DNS label (RFC 1123), as the parameter schemas write it. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** The pattern of a DNS subdomain name: a label that may also hold dots. */
  public static final String DNS_NAME = "^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$";

  private SchemaWords() {}

  /** {@code a whole number}, {@code true or false}, {@code text}... for a JSON Schema type. */
  public static String type(String type) {
    return switch (type) {
      case "integer" -> "a whole number";
      case "number" -> "a number";
      case "boolean" -> "true or false";
      case "string" -> "text";
      case "object" -> "an object";
      case "array" -> "a list";
      default -> "of type " + type;
    };
  }

  /** {@code a DNS label} for the patterns the shipped schemas use, else {@code text matching P}. */
  public static String pattern(String pattern) {
    return switch (pattern) {
      case DNS_LABEL -> "a DNS label";
      case DNS_NAME -> "a DNS name";
      default -> "text matching " + pattern;
    };
  }

  /** As {@link #pattern}, with what the name may hold, for an error that says why. */
  static String patternExplained(String pattern) {
    return switch (pattern) {
      case DNS_LABEL ->
          "a DNS label (lowercase letters, digits and '-', starting and ending with a letter or"
              + " digit)";
      case DNS_NAME ->
          "a DNS name (lowercase letters, digits, '-' and '.', starting and ending with a letter or"
              + " digit)";
      default -> pattern(pattern);
    };
  }
}
