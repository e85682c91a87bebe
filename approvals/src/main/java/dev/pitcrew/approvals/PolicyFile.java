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
 *   runbooks:                # who may use a runbook; per namespace, a rule that replaces it
 *     scale_deployment:
 *       groups: [S0SRE]
 *       namespaces:
 *         payments: {groups: [S0PAYONCALL]}
 *   clusters:                # who may use a named cluster at all
 *     prod: {groups: [S0SRE]}
 * kubernetes:
 *   identity: requester      # bot (default): Pitcrew's service account; requester: impersonate
 *   users: {U0ALICE: alice@example.com}  # the explicit map: who is whom
 *   groups: {S0SRE: [sre]}   # members of a Slack group get these Kubernetes groups
 *   email: true              # else a confirmed profile email in Pitcrew's own workspace...
 *   emailDomains: [example.com]  # ...of one of these domains (required with email: true)
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
 *   clusters:                # per cluster, under the runbook's and namespace's
 *     prod: {minApprovals: 2}
 * limits:                    # per person and hour (defaults 120 and 1000000)
 *   asksPerHour: 120
 *   tokensPerHour: 1000000
 * masking:                   # over the shipped rules for text from the cluster
 *   extraPatterns:
 *     - kind: internal_token # shown as [masked: internal_token]
 *       pattern: 'itk_[a-z0-9]{32}'
 *   allowKeys: [PUBLIC_TOKEN]  # a secret-looking key whose value may be shown
 * alerts:                    # Alertmanager's webhook (PITCREW_ALERT_TOKEN turns it on)
 *   channel: C0ALERTS        # default channel (else PITCREW_ALERT_CHANNEL)
 *   routes:                  # the first whose labels all match decides
 *     - match: {namespace: payments}
 *       channel: C0PAYMENTS
 *       evidence: [deployment_status, recent_events, list_pods]
 *   ignore:                  # alert groups whose common labels match are dropped (counted)
 *     - {alertname: Watchdog}
 *   investigations: {concurrent: 2, perHour: 30}   # across replicas; beyond, evidence only
 *   evidence: [deployment_status, recent_events]     # read-only runbooks without a model
 * gitops: warn               # a change Argo CD or Flux would revert: warn (default) or refuse
 * mcp:                       # agents that call Pitcrew over MCP (the endpoint is off without)
 *   channel: C0APPROVALS     # where cards for MCP proposals are posted
 *   clients:
 *     - name: alice-laptop   # shown on cards and in the audit feed
 *       tokenSha256: 9f86d0...  # SHA-256 (hex) of the bearer token; never the token
 *       as: U0ALICE          # the person it acts for: the requester for every rule
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
      AccessPolicy access,
      ApprovalPolicy approvals,
      KubernetesIdentity kubernetes,
      MaskingPolicy masking,
      UsageLimits limits,
      AlertPolicy alerts,
      boolean refuseGitOps,
      McpPolicy mcp,
      Map<String, String> sites) {
    public Policies {
      sites = Map.copyOf(sites);
    }

    /**
     * The first runbook the file names that is not among {@code loaded}, as one line: {@code
     * file:line: approvals.runbooks.NAME: reason}; a typo there would silently fall back to the
     * default rule.
     */
    public Optional<String> unknownRunbook(Set<String> loaded) {
      return unknown(".runbooks.", loaded, "runbook", "loaded");
    }

    /** As {@link #unknownRunbook}, for the cluster names the file uses. */
    public Optional<String> unknownCluster(Set<String> configured) {
      return unknown(".clusters.", configured, "cluster", "configured");
    }

    private Optional<String> unknown(String kind, Set<String> known, String what, String how) {
      return sites.entrySet().stream()
          .filter(e -> e.getKey().contains(kind))
          .filter(
              e -> !known.contains(e.getKey().substring(e.getKey().indexOf(kind) + kind.length())))
          .sorted(Map.Entry.comparingByKey())
          .findFirst()
          .map(
              e ->
                  e.getValue()
                      + ": "
                      + e.getKey()
                      + ": no "
                      + what
                      + " of that name is "
                      + how
                      + " ("
                      + how
                      + ": "
                      + (known.isEmpty()
                          ? "none"
                          : String.join(", ", new java.util.TreeSet<>(known)))
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

    /**
     * @throws PolicyException if the file names a cluster that is not among {@code configured}
     */
    public void requireClusters(Set<String> configured) {
      unknownCluster(configured)
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
      @JsonProperty("teams") List<String> teams,
      @JsonProperty("runbooks") Map<String, UseFile> runbooks,
      @JsonProperty("clusters") Map<String, UseFile> clusters) {}

  record UseFile(
      @JsonProperty("users") List<String> users,
      @JsonProperty("groups") List<String> groups,
      @JsonProperty("namespaces") Map<String, UseFile> namespaces) {}

  record KubernetesFile(
      @JsonProperty("identity") String identity,
      @JsonProperty("users") Map<String, String> users,
      @JsonProperty("groups") Map<String, List<String>> groups,
      @JsonProperty("email") Boolean email,
      @JsonProperty("emailDomains") List<String> emailDomains) {}

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
      @JsonProperty("namespaces") Map<String, RuleFile> namespaces,
      @JsonProperty("clusters") Map<String, RuleFile> clusters) {}

  record MaskingFile(
      @JsonProperty("extraPatterns") List<PatternFile> extraPatterns,
      @JsonProperty("allowKeys") List<String> allowKeys) {}

  record PatternFile(@JsonProperty("kind") String kind, @JsonProperty("pattern") String pattern) {}

  record LimitsFile(
      @JsonProperty("asksPerHour") Integer asksPerHour,
      @JsonProperty("tokensPerHour") Long tokensPerHour) {}

  record RouteFile(
      @JsonProperty("match") Map<String, String> match,
      @JsonProperty("channel") String channel,
      @JsonProperty("evidence") List<String> evidence) {}

  record InvestigationsFile(
      @JsonProperty("concurrent") Integer concurrent, @JsonProperty("perHour") Integer perHour) {}

  record AlertsFile(
      @JsonProperty("channel") String channel,
      @JsonProperty("routes") List<RouteFile> routes,
      @JsonProperty("ignore") List<Map<String, String>> ignore,
      @JsonProperty("investigations") InvestigationsFile investigations,
      @JsonProperty("evidence") List<String> evidence) {}

  record Root(
      @JsonProperty("ask") AskFile ask,
      @JsonProperty("kubernetes") KubernetesFile kubernetes,
      @JsonProperty("approvals") ApprovalsFile approvals,
      @JsonProperty("masking") MaskingFile masking,
      @JsonProperty("limits") LimitsFile limits,
      @JsonProperty("alerts") AlertsFile alerts,
      @JsonProperty("gitops") String gitops,
      @JsonProperty("mcp") McpFile mcp) {}

  record McpClientFile(
      @JsonProperty("name") String name,
      @JsonProperty("tokenSha256") String tokenSha256,
      @JsonProperty("as") String as) {}

  record McpFile(
      @JsonProperty("channel") String channel,
      @JsonProperty("clients") List<McpClientFile> clients) {}

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
      root =
          yaml.isBlank()
              ? new Root(null, null, null, null, null, null, null, null)
              : YAML.readValue(yaml, Root.class);
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
      root = new Root(null, null, null, null, null, null, null, null);
    }
    Map<String, String> sites = new LinkedHashMap<>();
    AskFile ask = root.ask() == null ? new AskFile(null, null, null, null, null, null) : root.ask();
    AccessPolicy access =
        new AccessPolicy(
            set(ask.channels()),
            set(ask.users()),
            set(ask.groups()),
            set(ask.teams()),
            useRules(origin, yaml, "ask.runbooks", ask.runbooks(), sites),
            useRules(origin, yaml, "ask.clusters", ask.clusters(), sites));
    KubernetesIdentity kubernetes = kubernetes(origin, yaml, root.kubernetes());

    ApprovalsFile a =
        root.approvals() == null
            ? new ApprovalsFile(null, null, null, null, null, null, null, null)
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
    site(origin, yaml, "approvals.runbooks", a.runbooks(), sites);
    site(origin, yaml, "approvals.clusters", a.clusters(), sites);
    return new Policies(
        access,
        new ApprovalPolicy(
            defaults,
            overrides(origin, "approvals.runbooks", a.runbooks()),
            overrides(origin, "approvals.namespaces", a.namespaces()),
            overrides(origin, "approvals.clusters", a.clusters()),
            GroupDirectory.none()),
        kubernetes,
        masking(origin, yaml, root.masking()),
        limits(origin, yaml, root.limits()),
        alerts(origin, yaml, root.alerts(), sites),
        refuseGitOps(origin, yaml, root.gitops()),
        mcp(origin, yaml, root.mcp()),
        sites);
  }

  private static AlertPolicy alerts(
      String origin, String yaml, AlertsFile a, Map<String, String> sites) {
    if (a == null) {
      return AlertPolicy.defaults();
    }
    List<AlertPolicy.Route> routes = new java.util.ArrayList<>();
    List<String> evidence = a.evidence() == null ? AlertPolicy.DEFAULT_EVIDENCE : a.evidence();
    List<List<String>> named = new java.util.ArrayList<>();
    named.add(evidence);
    if (a.routes() != null) {
      for (int i = 0; i < a.routes().size(); i++) {
        RouteFile r = a.routes().get(i);
        if (r == null || r.match() == null || r.match().isEmpty()) {
          throw at(
              origin,
              yaml,
              List.of("alerts", "routes"),
              "route " + (i + 1) + " needs match: with at least one label");
        }
        routes.add(
            new AlertPolicy.Route(
                r.match(), Optional.ofNullable(r.channel()), Optional.ofNullable(r.evidence())));
        if (r.evidence() != null) {
          named.add(r.evidence());
        }
      }
    }
    // Named like approvals.runbooks.NAME, so a runbook that is not loaded stops start-up.
    for (List<String> names : named) {
      for (String name : names) {
        sites.putIfAbsent(
            "alerts.runbooks." + name, origin + ":" + lineOf(yaml, List.of("alerts")).orElse(1));
      }
    }
    List<Map<String, String>> ignore = new java.util.ArrayList<>();
    if (a.ignore() != null) {
      for (Map<String, String> m : a.ignore()) {
        if (m == null || m.isEmpty()) {
          throw at(
              origin, yaml, List.of("alerts", "ignore"), "an empty rule would drop every alert");
        }
        ignore.add(m);
      }
    }
    InvestigationsFile inv = a.investigations();
    int concurrent =
        inv == null || inv.concurrent() == null ? AlertPolicy.DEFAULT_CONCURRENT : inv.concurrent();
    int perHour =
        inv == null || inv.perHour() == null ? AlertPolicy.DEFAULT_PER_HOUR : inv.perHour();
    if (concurrent < 0 || perHour < 0) {
      throw at(
          origin,
          yaml,
          List.of("alerts", "investigations"),
          "concurrent and perHour must be 0 (none) or more");
    }
    return new AlertPolicy(
        Optional.ofNullable(a.channel()), routes, ignore, concurrent, perHour, evidence);
  }

  private static final Pattern CLIENT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private static McpPolicy mcp(String origin, String yaml, McpFile m) {
    if (m == null) {
      return McpPolicy.none();
    }
    List<String> path = List.of("mcp", "clients");
    List<McpPolicy.Client> clients = new java.util.ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    List<McpClientFile> files = m.clients() == null ? List.of() : m.clients();
    for (int i = 0; i < files.size(); i++) {
      McpClientFile c = files.get(i);
      String where = "clients[" + i + "]";
      if (c == null || c.name() == null || !CLIENT_NAME.matcher(c.name()).matches()) {
        throw at(
            origin,
            yaml,
            path,
            where
                + ".name: expected a lower-case name such as alice-laptop (letters, digits, . _ -)");
      }
      if (!names.add(c.name())) {
        throw at(origin, yaml, path, where + ".name: '" + c.name() + "' is used twice");
      }
      if (c.tokenSha256() == null || !SHA256_HEX.matcher(c.tokenSha256()).matches()) {
        throw at(
            origin,
            yaml,
            path,
            where
                + ".tokenSha256: expected the token's SHA-256 as 64 lower-case hex digits"
                + " (printf %s TOKEN | sha256sum), never the token itself");
      }
      if (c.as() == null || c.as().isBlank() || hasControl(c.as())) {
        throw at(origin, yaml, path, where + ".as: the person this client acts for is missing");
      }
      clients.add(
          new McpPolicy.Client(
              c.name(), java.util.HexFormat.of().parseHex(c.tokenSha256()), c.as()));
    }
    return new McpPolicy(Optional.ofNullable(m.channel()), clients);
  }

  private static boolean refuseGitOps(String origin, String yaml, String gitops) {
    if (gitops == null || gitops.equals("warn")) {
      return false;
    }
    if (gitops.equals("refuse")) {
      return true;
    }
    throw at(origin, yaml, List.of("gitops"), "expected warn or refuse, was '" + gitops + "'");
  }

  private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_]{0,39}");

  private static final Pattern DOMAIN =
      Pattern.compile("^[a-z0-9]([a-z0-9-]{0,62}\\.)+[a-z]{2,63}$");

  private static UsageLimits limits(String origin, String yaml, LimitsFile l) {
    UsageLimits defaults = UsageLimits.defaults();
    if (l == null) {
      return defaults;
    }
    if (l.asksPerHour() != null && l.asksPerHour() < 1) {
      throw at(origin, yaml, List.of("limits", "asksPerHour"), "must be at least 1");
    }
    if (l.tokensPerHour() != null && l.tokensPerHour() < 1) {
      throw at(origin, yaml, List.of("limits", "tokensPerHour"), "must be at least 1");
    }
    return new UsageLimits(
        l.asksPerHour() == null ? defaults.asksPerHour() : l.asksPerHour(),
        l.tokensPerHour() == null ? defaults.tokensPerHour() : l.tokensPerHour());
  }

  /** Each pattern is compiled here, so a broken one stops start-up naming its line. */
  private static MaskingPolicy masking(String origin, String yaml, MaskingFile m) {
    if (m == null) {
      return MaskingPolicy.none();
    }
    Map<String, String> patterns = new LinkedHashMap<>();
    List<PatternFile> extra = m.extraPatterns() == null ? List.of() : m.extraPatterns();
    for (int i = 0; i < extra.size(); i++) {
      PatternFile p = extra.get(i);
      List<String> path = List.of("masking", "extraPatterns");
      String where = "extraPatterns[" + i + "]";
      if (p == null || p.kind() == null || !KIND.matcher(p.kind()).matches()) {
        throw at(
            origin,
            yaml,
            path,
            where
                + ".kind: expected a lower-case word of letters, digits and _, such as"
                + " internal_token");
      }
      if (p.pattern() == null || p.pattern().isEmpty()) {
        throw at(origin, yaml, path, where + ".pattern: is empty");
      }
      try {
        Pattern.compile(p.pattern());
      } catch (java.util.regex.PatternSyntaxException e) {
        throw at(
            origin,
            yaml,
            path,
            where
                + ".pattern: does not compile: "
                + e.getDescription()
                + " at index "
                + e.getIndex());
      }
      if (patterns.put(p.kind(), p.pattern()) != null) {
        throw at(origin, yaml, path, where + ".kind: " + p.kind() + " is named twice");
      }
    }
    return new MaskingPolicy(patterns, set(m.allowKeys()));
  }

  /** Records where each key of {@code field} is written, to name it if it proves unknown. */
  private static void site(
      String origin, String yaml, String field, Map<String, ?> keys, Map<String, String> sites) {
    if (keys == null) {
      return;
    }
    List<String> path = new java.util.ArrayList<>(List.of(field.split("\\.")));
    for (String name : keys.keySet()) {
      path.add(name);
      sites.put(field + "." + name, origin + ":" + lineOf(yaml, path).orElse(1));
      path.remove(path.size() - 1);
    }
  }

  private static Map<String, UseRule> useRules(
      String origin,
      String yaml,
      String field,
      Map<String, UseFile> rules,
      Map<String, String> sites) {
    site(origin, yaml, field, rules, sites);
    Map<String, UseRule> out = new LinkedHashMap<>();
    if (rules != null) {
      rules.forEach((name, rule) -> out.put(name, useRule(origin, field + "." + name, rule)));
    }
    return out;
  }

  private static UseRule useRule(String origin, String where, UseFile rule) {
    if (rule == null) {
      throw new PolicyException(origin + ": " + where + ": is empty");
    }
    Map<String, UseRule> namespaces = new LinkedHashMap<>();
    if (rule.namespaces() != null) {
      rule.namespaces()
          .forEach(
              (ns, r) -> {
                if (r != null && r.namespaces() != null) {
                  throw new PolicyException(
                      origin
                          + ": "
                          + where
                          + ".namespaces."
                          + ns
                          + ".namespaces: not allowed here");
                }
                namespaces.put(ns, useRule(origin, where + ".namespaces." + ns, r));
              });
    }
    return new UseRule(set(rule.users()), set(rule.groups()), namespaces);
  }

  private static KubernetesIdentity kubernetes(String origin, String yaml, KubernetesFile k) {
    if (k == null) {
      return KubernetesIdentity.bot();
    }
    KubernetesIdentity.Mode mode;
    String identity = k.identity() == null ? "bot" : k.identity();
    switch (identity) {
      case "bot" -> mode = KubernetesIdentity.Mode.BOT;
      case "requester" -> mode = KubernetesIdentity.Mode.REQUESTER;
      default ->
          throw at(
              origin,
              yaml,
              List.of("kubernetes", "identity"),
              "must be bot or requester, was '" + identity + "'");
    }
    Map<String, List<String>> groups = new LinkedHashMap<>();
    if (k.groups() != null) {
      k.groups()
          .forEach(
              (group, names) -> {
                if (names == null
                    || names.isEmpty()
                    || names.stream().anyMatch(n -> n == null || n.isBlank() || hasControl(n))) {
                  throw at(
                      origin,
                      yaml,
                      List.of("kubernetes", "groups", group),
                      "expected a list of Kubernetes group names");
                }
                groups.put(group, List.copyOf(names));
              });
    }
    if (k.users() != null) {
      k.users()
          .forEach(
              (user, name) -> {
                if (name == null || name.isBlank() || hasControl(name)) {
                  throw at(
                      origin,
                      yaml,
                      List.of("kubernetes", "users", user),
                      "expected a Kubernetes user name");
                }
              });
    }
    boolean email = Boolean.TRUE.equals(k.email());
    Set<String> domains = set(k.emailDomains());
    if (email && domains.isEmpty()) {
      throw at(
          origin,
          yaml,
          List.of("kubernetes", "email"),
          "needs kubernetes.emailDomains: the domains whose confirmed profile emails may become"
              + " Kubernetes users (anyone may type any address into a profile)");
    }
    for (String domain : domains) {
      if (!DOMAIN.matcher(domain).matches()) {
        throw at(
            origin,
            yaml,
            List.of("kubernetes", "emailDomains"),
            "'" + domain + "' is not a lower-case domain such as example.com");
      }
    }
    return new KubernetesIdentity(
        mode, k.users() == null ? Map.of() : k.users(), groups, email, domains);
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

  /** {@code file:line: a.b.c: reason} for the key path {@code path}. */
  private static PolicyException at(String origin, String yaml, List<String> path, String reason) {
    return new PolicyException(
        origin
            + ":"
            + lineOf(yaml, path).orElse(1)
            + ": "
            + String.join(".", path)
            + ": "
            + reason);
  }

  /** A name sent as an HTTP header value must not carry control characters (CR, LF). */
  private static boolean hasControl(String name) {
    return name.chars().anyMatch(Character::isISOControl);
  }

  private static Set<String> set(List<String> values) {
    return values == null ? Set.of() : Set.copyOf(values);
  }
}
