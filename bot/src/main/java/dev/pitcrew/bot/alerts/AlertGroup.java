package dev.pitcrew.bot.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One notification of Alertmanager's webhook ({@code webhook_config}, payload version 4): a group
 * of alerts that fire or resolve together. Everything in it is untrusted text.
 *
 * @param groupKey Alertmanager's key for the group: the same for every notification of it
 * @param firing whether the group fires ({@code status: firing}) or has resolved
 */
public record AlertGroup(
    String groupKey,
    boolean firing,
    String receiver,
    Map<String, String> groupLabels,
    Map<String, String> commonLabels,
    Map<String, String> commonAnnotations,
    String externalUrl,
    List<Alert> alerts) {

  /** Alertmanager's "not set" time. */
  private static final Instant UNSET = Instant.parse("0001-01-01T00:00:00Z");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ALERTS = 1_000;

  /** One alert of the group. */
  public record Alert(
      boolean firing,
      Map<String, String> labels,
      Map<String, String> annotations,
      Instant startsAt,
      Optional<Instant> endsAt,
      String generatorUrl,
      String fingerprint) {}

  /** Why a payload is not one Pitcrew takes, in one line. */
  public static final class Invalid extends Exception {
    Invalid(String reason) {
      super(reason);
    }
  }

  /**
   * @throws Invalid naming what is wrong, for the 400 answer
   */
  public static AlertGroup parse(byte[] body) throws Invalid {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new Invalid("not JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new Invalid("unreadable body");
    }
    if (root == null || !root.isObject()) {
      throw new Invalid("not a JSON object");
    }
    String version = root.path("version").asText("");
    if (!version.equals("4")) {
      throw new Invalid(
          "version must be \"4\" (Alertmanager's webhook payload), was \"" + version + "\"");
    }
    String groupKey = text(root, "groupKey");
    if (groupKey.isEmpty() || groupKey.length() > 4_096) {
      throw new Invalid("groupKey must be a non-empty string of at most 4096 characters");
    }
    boolean firing = status(root.path("status"), "status");
    JsonNode alerts = root.path("alerts");
    if (!alerts.isArray() || alerts.isEmpty() || alerts.size() > MAX_ALERTS) {
      throw new Invalid("alerts must be an array of 1 to " + MAX_ALERTS + " alerts");
    }
    List<Alert> parsed = new ArrayList<>();
    for (int i = 0; i < alerts.size(); i++) {
      JsonNode a = alerts.get(i);
      String where = "alerts[" + i + "]";
      if (!a.isObject()) {
        throw new Invalid(where + " must be an object");
      }
      Instant startsAt =
          time(a.path("startsAt"), where + ".startsAt")
              .orElseThrow(() -> new Invalid(where + ".startsAt must be set"));
      parsed.add(
          new Alert(
              status(a.path("status"), where + ".status"),
              strings(a.path("labels"), where + ".labels"),
              strings(a.path("annotations"), where + ".annotations"),
              startsAt,
              time(a.path("endsAt"), where + ".endsAt"),
              text(a, "generatorURL"),
              text(a, "fingerprint")));
    }
    return new AlertGroup(
        groupKey,
        firing,
        text(root, "receiver"),
        strings(root.path("groupLabels"), "groupLabels"),
        strings(root.path("commonLabels"), "commonLabels"),
        strings(root.path("commonAnnotations"), "commonAnnotations"),
        text(root, "externalURL"),
        parsed);
  }

  /** The alert's name: {@code alertname} of the group's common labels, else of its first alert. */
  public String name() {
    String name = commonLabels.get("alertname");
    if (name == null) {
      name = alerts.get(0).labels().get("alertname");
    }
    return name == null || name.isBlank() ? "(unnamed alert)" : name;
  }

  /** The labels every alert of the group shares (else the first alert's). */
  public Map<String, String> labels() {
    return commonLabels.isEmpty() ? alerts.get(0).labels() : commonLabels;
  }

  /** An annotation shared by the group, else the first alert's. */
  public Optional<String> annotation(String name) {
    return Optional.ofNullable(commonAnnotations.get(name))
        .or(() -> Optional.ofNullable(alerts.get(0).annotations().get(name)))
        .filter(v -> !v.isBlank());
  }

  /** When the earliest alert of the group started: the same in every notification of it. */
  public Instant startsAt() {
    return alerts.stream().map(Alert::startsAt).min(Comparator.naturalOrder()).orElseThrow();
  }

  /** When the last alert ended, for a resolved group. */
  public Optional<Instant> endsAt() {
    return alerts.stream()
        .map(Alert::endsAt)
        .flatMap(Optional::stream)
        .max(Comparator.naturalOrder());
  }

  /** What the model is given: the group as data, without Alertmanager's bookkeeping. */
  public String asData() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("alertname", name());
    data.put("status", firing ? "firing" : "resolved");
    data.put("labels", new TreeMap<>(labels()));
    data.put("annotations", new TreeMap<>(commonAnnotations));
    List<Map<String, Object>> each = new ArrayList<>();
    for (Alert a : alerts.subList(0, Math.min(alerts.size(), 20))) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("status", a.firing() ? "firing" : "resolved");
      one.put("labels", new TreeMap<>(a.labels()));
      one.put("annotations", new TreeMap<>(a.annotations()));
      one.put("startsAt", a.startsAt().toString());
      each.add(one);
    }
    data.put("alerts", each);
    if (alerts.size() > each.size()) {
      data.put("more_alerts", alerts.size() - each.size());
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean status(JsonNode node, String where) throws Invalid {
    String status = node.asText("");
    return switch (status) {
      case "firing" -> true;
      case "resolved" -> false;
      default -> throw new Invalid(where + " must be firing or resolved, was \"" + status + "\"");
    };
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isTextual() ? "" : value.asText();
  }

  private static Map<String, String> strings(JsonNode node, String where) throws Invalid {
    if (node.isMissingNode() || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new Invalid(where + " must be an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    var fields = node.fields();
    while (fields.hasNext()) {
      var e = fields.next();
      if (!e.getValue().isTextual()) {
        throw new Invalid(where + "." + e.getKey() + " must be a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return Map.copyOf(out);
  }

  private static Optional<Instant> time(JsonNode node, String where) throws Invalid {
    if (node.isMissingNode() || node.isNull() || node.asText("").isEmpty()) {
      return Optional.empty();
    }
    try {
      Instant t = java.time.OffsetDateTime.parse(node.asText()).toInstant();
      return t.equals(UNSET) ? Optional.empty() : Optional.of(t);
    } catch (DateTimeParseException e) {
      throw new Invalid(where + " must be an RFC 3339 time, was \"" + node.asText() + "\"");
    }
  }
}
