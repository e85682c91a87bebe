package dev.pitcrew.approvals;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The policy file ({@code PITCREW_CONFIG}):
 *
 * <pre>
 * ask:                       # who may ask at all; empty lists mean anyone, anywhere
 *   channels: [C0OPS]
 *   users: [U0ALICE]
 *   groups: [S0ONCALL]
 *   teams: [T0PARTNER]       # other workspaces whose people may use Pitcrew (Slack Connect)
 * approvals:                 # the default rule
 *   approvers: [U0LEAD]
 *   groups: [S0SRE]
 *   minApprovals: 1
 *   allowSelfApproval: false
 *   expiry: PT15M
 *   runbooks:                # per runbook, over the default
 *     restart_deployment: {expiry: PT5M}
 *   namespaces:              # per namespace, over the runbook's
 *     payments: {groups: [S0PAYONCALL], minApprovals: 2}
 * </pre>
 */
public final class PolicyFile {
  private static final YAMLMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private PolicyFile() {}

  /**
   * The two policies a file sets.
   *
   * @param runbookSites where each runbook the file names is named ({@code file:line}), to check
   *     against the runbooks actually loaded once they are
   */
  public record Policies(
      AccessPolicy access, ApprovalPolicy approvals, Map<String, String> runbookSites) {
    public Policies {
      runbookSites = Map.copyOf(runbookSites);
    }

    /**
     * The first runbook the file names that is not among {@code loaded}, as one line: {@code
     * file:line: approvals.runbooks.NAME: reason}; a typo there would silently fall back to the
     * default rule.
     */
    public Optional<String> unknownRunbook(Set<String> loaded) {
      return runbookSites.entrySet().stream()
          .filter(e -> !loaded.contains(e.getKey()))
          .sorted(Map.Entry.comparingByKey())
          .findFirst()
          .map(
              e ->
                  e.getValue()
                      + ": approvals.runbooks."
                      + e.getKey()
                      + ": no runbook of that name is loaded (loaded: "
                      + String.join(", ", new java.util.TreeSet<>(loaded))
                      + ")");
    }

    /**
     * @throws PolicyException if the file names a runbook that is not among {@code loaded}
     */
    public void requireLoaded(Set<String> loaded) {
      unknownRunbook(loaded)
          .ifPresent(
              problem -> {
                throw new PolicyException(problem);
              });
    }
  }

  record AskFile(
      @JsonProperty("channels") List<String> channels,
      @JsonProperty("users") List<String> users,
      @JsonProperty("groups") List<String> groups,
      @JsonProperty("teams") List<String> teams) {}

  record RuleFile(
      @JsonProperty("approvers") List<String> approvers,
      @JsonProperty("groups") List<String> groups,
      @JsonProperty("minApprovals") Integer minApprovals,
      @JsonProperty("allowSelfApproval") Boolean allowSelfApproval,
      @JsonProperty("expiry") String expiry) {}

  record ApprovalsFile(
      @JsonProperty("approvers") List<String> approvers,
      @JsonProperty("groups") List<String> groups,
      @JsonProperty("minApprovals") Integer minApprovals,
      @JsonProperty("allowSelfApproval") Boolean allowSelfApproval,
      @JsonProperty("expiry") String expiry,
      @JsonProperty("runbooks") Map<String, RuleFile> runbooks,
      @JsonProperty("namespaces") Map<String, RuleFile> namespaces) {}

  record Root(
      @JsonProperty("ask") AskFile ask, @JsonProperty("approvals") ApprovalsFile approvals) {}

  /**
   * Reads a policy file; environment overrides replace the default approvers and expiry.
   *
   * @throws PolicyException naming the file, line or field, and why
   */
  public static Policies parse(
      String origin,
      String yaml,
      Optional<Set<String>> approversOverride,
      Optional<Duration> expiryOverride) {
    Root root;
    try {
      root = yaml.isBlank() ? new Root(null, null) : YAML.readValue(yaml, Root.class);
    } catch (JsonMappingException e) {
      String field =
          e.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      int line =
          lineOf(yaml, e.getPath().stream().map(r -> r.getFieldName()).toList())
              .orElse(e.getLocation() == null ? 1 : e.getLocation().getLineNr());
      throw new PolicyException(
          origin + ":" + line + ": " + (field.isEmpty() ? "" : field + ": ") + reason(e));
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
      throw new PolicyException(origin + ":" + line + ": YAML syntax error: " + firstLine(e));
    }
    if (root == null) {
      root = new Root(null, null);
    }
    AskFile ask = root.ask() == null ? new AskFile(null, null, null, null) : root.ask();
    AccessPolicy access =
        new AccessPolicy(
            set(ask.channels()), set(ask.users()), set(ask.groups()), set(ask.teams()));

    ApprovalsFile a =
        root.approvals() == null
            ? new ApprovalsFile(null, null, null, null, null, null, null)
            : root.approvals();
    ApprovalRule defaults;
    try {
      defaults =
          new ApprovalRule(
              approversOverride.orElse(set(a.approvers())),
              set(a.groups()),
              a.minApprovals() == null ? 1 : a.minApprovals(),
              Boolean.TRUE.equals(a.allowSelfApproval()),
              expiryOverride.orElse(
                  a.expiry() == null
                      ? ApprovalPolicy.DEFAULT_EXPIRY
                      : duration(origin, "approvals.expiry", a.expiry())));
    } catch (IllegalArgumentException e) {
      throw new PolicyException(origin + ": approvals: " + e.getMessage());
    }
    Map<String, String> sites = new LinkedHashMap<>();
    if (a.runbooks() != null) {
      for (String name : a.runbooks().keySet()) {
        sites.put(
            name, origin + ":" + lineOf(yaml, List.of("approvals", "runbooks", name)).orElse(1));
      }
    }
    return new Policies(
        access,
        new ApprovalPolicy(
            defaults,
            overrides(origin, "approvals.runbooks", a.runbooks()),
            overrides(origin, "approvals.namespaces", a.namespaces()),
            GroupDirectory.none()),
        sites);
  }

  /** Why a value could not be read, in words an operator reads, never parser internals. */
  private static String reason(JsonMappingException e) {
    if (e instanceof UnrecognizedPropertyException unknown) {
      return "unknown field; known: "
          + unknown.getKnownPropertyIds().stream()
              .map(String::valueOf)
              .sorted()
              .collect(Collectors.joining(", "));
    }
    String first = firstLine(e);
    if (first.startsWith("while ") || e.getCause() instanceof JsonProcessingException) {
      return "YAML syntax error: " + first; // a parse error surfaced while mapping
    }
    if (first.contains("ArrayList") || first.contains("java.util.List")) {
      return "expected a list, such as [U0123ABCD]";
    }
    if (first.contains("java.lang.Integer") || first.contains("`int`")) {
      return "expected a whole number";
    }
    if (first.contains("java.lang.Boolean") || first.contains("`boolean`")) {
      return "expected true or false";
    }
    if (first.contains("java.util.Map") || first.contains("PolicyFile$")) {
      return "expected a mapping of keys to values";
    }
    return first.replaceAll("`[a-z]+(\\.[a-zA-Z$]+)+(<[^>]*>)?`", "a value");
  }

  private static String firstLine(JsonProcessingException e) {
    String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
    return message.lines().findFirst().orElse(message).strip();
  }

  private static Map<String, ApprovalRule.Override> overrides(
      String origin, String field, Map<String, RuleFile> rules) {
    Map<String, ApprovalRule.Override> out = new LinkedHashMap<>();
    if (rules == null) {
      return out;
    }
    rules.forEach(
        (name, rule) -> {
          String where = field + "." + name;
          if (rule == null) {
            throw new PolicyException(origin + ": " + where + ": is empty");
          }
          if (rule.minApprovals() != null && rule.minApprovals() < 1) {
            throw new PolicyException(origin + ": " + where + ".minApprovals: must be at least 1");
          }
          out.put(
              name,
              new ApprovalRule.Override(
                  rule.approvers() == null ? null : Set.copyOf(rule.approvers()),
                  rule.groups() == null ? null : Set.copyOf(rule.groups()),
                  rule.minApprovals(),
                  rule.allowSelfApproval(),
                  rule.expiry() == null
                      ? null
                      : duration(origin, where + ".expiry", rule.expiry())));
        });
    return out;
  }

  private static Duration duration(String origin, String field, String value) {
    try {
      Duration d = Duration.parse(value);
      if (d.isNegative() || d.isZero()) {
        throw new PolicyException(origin + ": " + field + ": must be positive, was " + value);
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new PolicyException(
          origin + ": " + field + ": '" + value + "' is not an ISO-8601 duration such as PT15M");
    }
  }

  /**
   * The line of a key path ({@code approvals}, {@code aprovers}): each key looked for after the
   * previous one. Jackson's own location points past the offending value.
   */
  private static Optional<Integer> lineOf(String yaml, List<String> path) {
    String[] lines = yaml.split("\n", -1);
    int at = 0;
    for (String key : path) {
      if (key == null) {
        continue; // a list index
      }
      Pattern p = Pattern.compile("^\\s*(- )?" + Pattern.quote(key) + "\\s*:");
      while (at < lines.length && !p.matcher(lines[at]).find()) {
        at++;
      }
      if (at == lines.length) {
        return Optional.empty();
      }
    }
    return path.isEmpty() ? Optional.empty() : Optional.of(at + 1);
  }

  private static Set<String> set(List<String> values) {
    return values == null ? Set.of() : Set.copyOf(values);
  }
}
