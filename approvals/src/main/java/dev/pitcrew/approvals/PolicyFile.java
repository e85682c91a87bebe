package dev.pitcrew.approvals;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
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

  /** The two policies a file sets. */
  public record Policies(AccessPolicy access, ApprovalPolicy approvals) {}

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
          origin
              + ":"
              + line
              + ": "
              + (field.isEmpty() ? "" : field + ": ")
              + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
      throw new PolicyException(origin + ":" + line + ": " + e.getOriginalMessage());
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
    return new Policies(
        access,
        new ApprovalPolicy(
            defaults,
            overrides(origin, "approvals.runbooks", a.runbooks()),
            overrides(origin, "approvals.namespaces", a.namespaces()),
            GroupDirectory.none()));
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
