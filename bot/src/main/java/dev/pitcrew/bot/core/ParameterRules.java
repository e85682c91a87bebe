package dev.pitcrew.bot.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitcrew.remediations.Risk;
import dev.pitcrew.runbooks.Limits;
import dev.pitcrew.runbooks.Runbook;
import dev.pitcrew.runbooks.SchemaWords;
import java.util.ArrayList;
import java.util.List;

/** A runbook's parameter rules and limits in words, for {@code help <runbook>}. */
final class ParameterRules {
  private ParameterRules() {}

  /** {@code a whole number from 0 to 50. Desired replicas} */
  static String describe(JsonNode property) {
    List<String> rules = new ArrayList<>();
    String type = property.path("type").asText("");
    String pattern = property.path("pattern").asText("");
    rules.add(
        type.isEmpty()
            ? "a value"
            : type.equals("string") && !pattern.isEmpty()
                ? SchemaWords.pattern(pattern)
                : SchemaWords.type(type));
    if (property.has("minimum") && property.has("maximum")) {
      rules.add("from " + property.get("minimum") + " to " + property.get("maximum"));
    } else if (property.has("minimum")) {
      rules.add("at least " + property.get("minimum"));
    } else if (property.has("maximum")) {
      rules.add("at most " + property.get("maximum"));
    }
    if (property.has("maxLength")) {
      rules.add("up to " + property.get("maxLength") + " characters");
    }
    if (property.has("enum")) {
      List<String> values = new ArrayList<>();
      property.get("enum").forEach(v -> values.add(v.asText()));
      rules.add("one of " + String.join(", ", values));
    }
    if (property.has("default")) {
      rules.add("default " + property.get("default").asText());
    }
    String description = property.path("description").asText("").strip();
    return String.join(", ", rules) + (description.isEmpty() ? "" : ". " + description);
  }

  /** The limits code enforces for this runbook, or empty text if it has none worth saying. */
  static String limits(Runbook runbook) {
    Limits limits = runbook.limits();
    List<String> said = new ArrayList<>();
    if (!limits.allowedNamespaces().isEmpty()) {
      said.add(
          "only in " + String.join(", ", limits.allowedNamespaces().stream().sorted().toList()));
    }
    if (runbook.risk() == Risk.MUTATE) {
      if (!limits.protectedNamespaces().isEmpty()) {
        said.add(
            "never changes "
                + String.join(", ", limits.protectedNamespaces().stream().sorted().toList()));
      }
      if (limits.maxScaleStep() != null) {
        said.add("at most " + limits.maxScaleStep() + " replicas up or down per approval");
      }
      said.add(
          "the rollout it starts is watched for up to "
              + limits.verifyTimeout().toMinutes()
              + " min");
    }
    return String.join("; ", said);
  }
}
