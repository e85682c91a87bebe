package dev.pitcrew.bot.config;

import dev.pitcrew.approvals.PolicyException;
import dev.pitcrew.approvals.PolicyFile;
import dev.pitcrew.approvals.StoreSeal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pitcrew's settings, read from the environment (DESIGN.md's configuration contract). Secrets are
 * kept out of {@link #toString()}.
 */
public record Config(
    String slackBotToken,
    Optional<String> slackSigningSecret,
    Optional<String> slackAppToken,
    URI slackApiUrl,
    Optional<String> auditChannel,
    Optional<Llm> llm,
    Optional<Path> kubeconfig,
    int port,
    Set<String> approvers,
    Duration approvalExpiry,
    Optional<String> namespace,
    Optional<Path> runbooksDirectory,
    Optional<Set<String>> enabledRunbooks,
    Duration approvalRetention,
    PolicyFile.Policies policies,
    ApprovalStoreKind approvalStore,
    List<ClusterSpec> clusters,
    Optional<StoreSeal> storeSeal,
    Optional<String> alertToken,
    Optional<String> alertChannel) {

  /** Where approval requests are kept. */
  public enum ApprovalStoreKind {
    /** In the process: lost on restart, not shared between replicas. */
    MEMORY,
    /** ConfigMaps in the bot's namespace: durable and shared. */
    KUBERNETES
  }

  public static final URI DEFAULT_SLACK_API_URL = URI.create("https://slack.com/api/");
  public static final URI DEFAULT_OPENAI_BASE_URL = URI.create("https://api.openai.com/v1");
  public static final int DEFAULT_PORT = 3000;
  public static final Duration DEFAULT_APPROVAL_RETENTION = Duration.ofDays(30);

  private static final Pattern SLACK_USER_ID = Pattern.compile("^[UW][A-Z0-9_]+$");
  private static final Pattern SLACK_CHANNEL_ID = Pattern.compile("^[CGD][A-Z0-9_]+$");
  private static final Pattern RUNBOOK_NAME = Pattern.compile("^[a-z][a-z0-9_]*$");
  private static final Pattern NAMESPACE = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  /** Where a pod finds its own namespace. */
  static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  /**
   * The LLM endpoint: any OpenAI-compatible chat-completions API.
   *
   * @param apiKey may be a placeholder for servers that need none (vLLM, Ollama)
   */
  public record Llm(String apiKey, URI baseUrl, String model) {
    @Override
    public String toString() {
      return "Llm[baseUrl=" + Urls.loggable(baseUrl) + ", model=" + model + ", apiKey=***]";
    }
  }

  public Config {
    approvers = Set.copyOf(approvers);
    clusters = List.copyOf(clusters);
  }

  /**
   * Reads and checks every setting.
   *
   * @throws ConfigException naming the first setting that is missing or malformed
   */
  public static Config fromEnv(Map<String, String> env) throws ConfigException {
    String botToken = required(env, "SLACK_BOT_TOKEN");
    if (!botToken.startsWith("xoxb-")) {
      throw new ConfigException("SLACK_BOT_TOKEN must be a bot token (it starts with xoxb-)");
    }
    Optional<String> appToken = optional(env, "SLACK_APP_TOKEN");
    if (appToken.isPresent() && !appToken.get().startsWith("xapp-")) {
      throw new ConfigException(
          "SLACK_APP_TOKEN must be an app-level token (it starts with xapp-)");
    }
    // Socket Mode's socket is authenticated by the app token; only HTTP needs the secret.
    Optional<String> signingSecret =
        appToken.isPresent()
            ? optional(env, "SLACK_SIGNING_SECRET")
            : Optional.of(required(env, "SLACK_SIGNING_SECRET"));
    URI slackApi = url(env, "SLACK_API_URL").orElse(DEFAULT_SLACK_API_URL);
    if (!slackApi.getPath().endsWith("/")) {
      slackApi = URI.create(slackApi + "/");
    }
    Optional<String> audit = optional(env, "PITCREW_AUDIT_CHANNEL");
    if (audit.isPresent() && !SLACK_CHANNEL_ID.matcher(audit.get()).matches()) {
      throw new ConfigException(
          "PITCREW_AUDIT_CHANNEL must be a Slack channel ID such as C0123ABCD, was '"
              + audit.get()
              + "'");
    }

    Optional<Llm> llm = llm(env);

    Optional<Path> kubeconfig = optional(env, "KUBECONFIG").map(Path::of);
    if (kubeconfig.isPresent()) {
      // KUBECONFIG may list several files; each must be readable.
      for (String file : kubeconfig.get().toString().split(java.io.File.pathSeparator)) {
        if (!file.isEmpty() && !Files.isReadable(Path.of(file))) {
          throw new ConfigException("KUBECONFIG names " + file + ", which is not a readable file");
        }
      }
    }

    int port = port(env);
    Set<String> approvers = approvers(env);
    Duration expiry = expiry(env);
    Optional<String> namespace = optional(env, "PITCREW_NAMESPACE").or(Config::inClusterNamespace);
    if (namespace.isPresent() && !NAMESPACE.matcher(namespace.get()).matches()) {
      throw new ConfigException(
          "PITCREW_NAMESPACE must be a Kubernetes namespace name, was '" + namespace.get() + "'");
    }
    Optional<Path> runbooks = runbooksDirectory(env);
    Optional<Set<String>> enabled = enabledRunbooks(env);
    Duration retention =
        positiveDuration(env, "PITCREW_APPROVAL_RETENTION", DEFAULT_APPROVAL_RETENTION, "P30D");
    PolicyFile.Policies policies =
        policies(
            env,
            optional(env, "PITCREW_APPROVERS").map(v -> approvers),
            optional(env, "PITCREW_APPROVAL_EXPIRY").map(v -> expiry));
    ApprovalStoreKind store = approvalStore(env, namespace);
    List<ClusterSpec> clusters = clusters(env);
    Optional<StoreSeal> seal;
    try {
      seal = StoreSeal.fromSetting(optional(env, "PITCREW_STORE_KEY"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("PITCREW_STORE_KEY " + e.getMessage());
    }
    Optional<String> alertToken = optional(env, "PITCREW_ALERT_TOKEN");
    if (alertToken.isPresent() && alertToken.get().length() < 16) {
      throw new ConfigException(
          "PITCREW_ALERT_TOKEN must be at least 16 characters (it is Alertmanager's bearer token;"
              + " openssl rand -hex 32 makes one)");
    }
    Optional<String> alertChannel = optional(env, "PITCREW_ALERT_CHANNEL");
    if (alertChannel.isPresent() && !SLACK_CHANNEL_ID.matcher(alertChannel.get()).matches()) {
      throw new ConfigException(
          "PITCREW_ALERT_CHANNEL must be a Slack channel ID such as C0123ABCD, was '"
              + alertChannel.get()
              + "'");
    }
    // An alert that matches no route goes to the default channel: there must be one.
    if (alertToken.isPresent() && alertChannel.isEmpty() && policies.alerts().channel().isEmpty()) {
      throw new ConfigException(
          "PITCREW_ALERT_TOKEN turns the alert endpoint on, but no channel is set for alerts:"
              + " set PITCREW_ALERT_CHANNEL or alerts.channel in the policy file");
    }
    // A proposal from an agent is a card someone must see: MCP clients need the channel for it.
    var mcp = policies.mcp();
    if (mcp.enabled() && mcp.channel().isEmpty()) {
      throw new ConfigException(
          "the policy file lists mcp.clients but no mcp.channel: set the Slack channel where the"
              + " cards of MCP proposals are posted");
    }
    if (mcp.channel().isPresent() && !SLACK_CHANNEL_ID.matcher(mcp.channel().get()).matches()) {
      throw new ConfigException(
          "mcp.channel in the policy file must be a Slack channel ID such as C0123ABCD, was '"
              + mcp.channel().get()
              + "'");
    }
    try {
      // A rule for a cluster nobody configured would never apply: say so at start.
      policies.requireClusters(
          clusters.stream().map(ClusterSpec::name).collect(java.util.stream.Collectors.toSet()));
    } catch (PolicyException e) {
      throw new ConfigException(e.getMessage());
    }
    return new Config(
        botToken,
        signingSecret,
        appToken,
        slackApi,
        audit,
        llm,
        kubeconfig,
        port,
        approvers,
        expiry,
        namespace,
        runbooks,
        enabled,
        retention,
        policies,
        store,
        clusters,
        seal,
        alertToken,
        alertChannel);
  }

  /** The named clusters ({@code PITCREW_CLUSTERS}); empty for one unnamed cluster. */
  public static List<ClusterSpec> clusters(Map<String, String> env) throws ConfigException {
    return ClusterSpec.parse(optional(env, "PITCREW_CLUSTERS").orElse(""));
  }

  /**
   * The policy as Slack would apply it (PITCREW_CONFIG, PITCREW_APPROVERS over its default
   * approvers, PITCREW_APPROVAL_EXPIRY), for the shell: {@code fallbackApprovers} stand in when
   * neither PITCREW_APPROVERS nor a policy file is given (the demo's second identity).
   */
  public static PolicyFile.Policies policies(Map<String, String> env, Set<String> fallbackApprovers)
      throws ConfigException {
    Optional<Set<String>> approvers =
        optional(env, "PITCREW_APPROVERS").isPresent()
            ? Optional.of(approvers(env))
            : optional(env, "PITCREW_CONFIG").isPresent() || fallbackApprovers.isEmpty()
                ? Optional.empty()
                : Optional.of(fallbackApprovers);
    Duration expiry = expiry(env);
    return policies(env, approvers, optional(env, "PITCREW_APPROVAL_EXPIRY").map(v -> expiry));
  }

  private static PolicyFile.Policies policies(
      Map<String, String> env, Optional<Set<String>> approvers, Optional<Duration> expiry)
      throws ConfigException {
    Optional<Path> file = optional(env, "PITCREW_CONFIG").map(Path::of);
    String yaml = "";
    if (file.isPresent()) {
      try {
        yaml = Files.readString(file.get());
      } catch (java.io.IOException e) {
        throw new ConfigException(
            "PITCREW_CONFIG names "
                + file.get()
                + ", which cannot be read ("
                + e.getMessage()
                + ")");
      }
    }
    try {
      return PolicyFile.parse(
          file.map(f -> "PITCREW_CONFIG " + f).orElse("PITCREW_CONFIG"), yaml, approvers, expiry);
    } catch (PolicyException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static ApprovalStoreKind approvalStore(
      Map<String, String> env, Optional<String> namespace) throws ConfigException {
    Optional<String> raw = optional(env, "PITCREW_APPROVAL_STORE");
    if (raw.isEmpty()) {
      return namespace.isPresent() ? ApprovalStoreKind.KUBERNETES : ApprovalStoreKind.MEMORY;
    }
    switch (raw.get()) {
      case "memory":
        return ApprovalStoreKind.MEMORY;
      case "kubernetes":
        if (namespace.isEmpty()) {
          throw new ConfigException(
              "PITCREW_APPROVAL_STORE=kubernetes needs the bot's namespace: set PITCREW_NAMESPACE");
        }
        return ApprovalStoreKind.KUBERNETES;
      default:
        throw new ConfigException(
            "PITCREW_APPROVAL_STORE must be memory or kubernetes, was '" + raw.get() + "'");
    }
  }

  private static Optional<String> inClusterNamespace() {
    try {
      return Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)
          ? Optional.of(Files.readString(SERVICE_ACCOUNT_NAMESPACE).strip())
          : Optional.empty();
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The LLM endpoint from {@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL} and {@code
   * PITCREW_MODEL}, or empty when none is set. The terminal shell reads only these.
   */
  public static Optional<Llm> llm(Map<String, String> env) throws ConfigException {
    Optional<String> apiKey = optional(env, "OPENAI_API_KEY");
    Optional<URI> baseUrl = url(env, "OPENAI_BASE_URL");
    Optional<String> model = optional(env, "PITCREW_MODEL");
    if (apiKey.isPresent() || baseUrl.isPresent()) {
      if (model.isEmpty()) {
        throw new ConfigException(
            "PITCREW_MODEL is required when OPENAI_API_KEY or OPENAI_BASE_URL is set");
      }
      return Optional.of(
          new Llm(apiKey.orElse("unused"), baseUrl.orElse(DEFAULT_OPENAI_BASE_URL), model.get()));
    }
    if (model.isPresent()) {
      throw new ConfigException(
          "PITCREW_MODEL is set but no LLM endpoint is: set OPENAI_API_KEY and/or OPENAI_BASE_URL");
    }
    return Optional.empty();
  }

  /** {@code PITCREW_RUNBOOKS_DIR}, checked to be a directory. */
  public static Optional<Path> runbooksDirectory(Map<String, String> env) throws ConfigException {
    Optional<Path> runbooks = optional(env, "PITCREW_RUNBOOKS_DIR").map(Path::of);
    if (runbooks.isPresent() && !Files.isDirectory(runbooks.get())) {
      throw new ConfigException(
          "PITCREW_RUNBOOKS_DIR names " + runbooks.get() + ", which is not a directory");
    }
    return runbooks;
  }

  /**
   * {@code PITCREW_RUNBOOKS}: the runbooks to offer, by name, comma-separated; all loaded ones when
   * unset. The Helm chart sets it to the runbooks it granted RBAC for.
   */
  public static Optional<Set<String>> enabledRunbooks(Map<String, String> env)
      throws ConfigException {
    Optional<String> raw = optional(env, "PITCREW_RUNBOOKS");
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    Set<String> names = new LinkedHashSet<>();
    for (String name : raw.get().split(",")) {
      String trimmed = name.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!RUNBOOK_NAME.matcher(trimmed).matches()) {
        throw new ConfigException(
            "PITCREW_RUNBOOKS must be runbook names separated by commas"
                + " (deployment_status,list_pods); '"
                + trimmed
                + "' is not one");
      }
      names.add(trimmed);
    }
    return Optional.of(Set.copyOf(names));
  }

  private static int port(Map<String, String> env) throws ConfigException {
    Optional<String> raw = optional(env, "PORT");
    if (raw.isEmpty()) {
      return DEFAULT_PORT;
    }
    try {
      int port = Integer.parseInt(raw.get());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new ConfigException("PORT must be a TCP port from 0 to 65535, was '" + raw.get() + "'");
    }
  }

  private static Set<String> approvers(Map<String, String> env) throws ConfigException {
    Set<String> approvers = new LinkedHashSet<>();
    for (String id : optional(env, "PITCREW_APPROVERS").orElse("").split(",")) {
      String trimmed = id.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!SLACK_USER_ID.matcher(trimmed).matches()) {
        throw new ConfigException(
            "PITCREW_APPROVERS must be Slack user IDs separated by commas (U0123ABCD,U0456EFGH);"
                + " '"
                + trimmed
                + "' is not one");
      }
      approvers.add(trimmed);
    }
    return approvers;
  }

  private static Duration expiry(Map<String, String> env) throws ConfigException {
    return positiveDuration(env, "PITCREW_APPROVAL_EXPIRY", Duration.ofMinutes(15), "PT15M");
  }

  private static Duration positiveDuration(
      Map<String, String> env, String name, Duration fallback, String example)
      throws ConfigException {
    Optional<String> raw = optional(env, name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      Duration value = Duration.parse(raw.get());
      if (value.isNegative() || value.isZero()) {
        throw new DateTimeParseException("not positive", raw.get(), 0);
      }
      return value;
    } catch (DateTimeParseException e) {
      throw new ConfigException(
          name
              + " must be a positive ISO-8601 duration such as "
              + example
              + ", was '"
              + raw.get()
              + "'");
    }
  }

  private static String required(Map<String, String> env, String name) throws ConfigException {
    return optional(env, name).orElseThrow(() -> new ConfigException(name + " is required"));
  }

  private static Optional<String> optional(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  private static Optional<URI> url(Map<String, String> env, String name) throws ConfigException {
    Optional<String> raw = optional(env, name);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(raw.get());
      if (!Arrays.asList("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
        throw new URISyntaxException(raw.get(), "not an absolute http(s) URL");
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      throw new ConfigException(name + " must be an http(s) URL, was '" + raw.get() + "'");
    }
  }

  @Override
  public String toString() {
    return "Config[slackApiUrl="
        + Urls.loggable(slackApiUrl)
        + ", socketMode="
        + slackAppToken.isPresent()
        + ", auditChannel="
        + auditChannel.orElse("(none)")
        + ", llm="
        + llm.map(Llm::toString).orElse("(none)")
        + ", kubeconfig="
        + kubeconfig.map(Path::toString).orElse("(in-cluster)")
        + ", port="
        + port
        + ", approvers="
        + approvers
        + ", approvalExpiry="
        + approvalExpiry
        + ", namespace="
        + namespace.orElse("(unknown)")
        + ", runbooksDirectory="
        + runbooksDirectory.map(Path::toString).orElse("(shipped only)")
        + ", runbooks="
        + enabledRunbooks.map(Object::toString).orElse("(all)")
        + ", approvalRetention="
        + approvalRetention
        + ", approvalStore="
        + approvalStore
        + ", clusters="
        + (clusters.isEmpty()
            ? "(one, unnamed)"
            : clusters.stream().map(ClusterSpec::name).toList().toString())
        + ", kubernetesIdentity="
        + policies.kubernetes().mode()
        + ", alerts="
        + (alertToken.isPresent()
            ? "on (default channel "
                + alertChannel.or(() -> policies.alerts().channel()).orElse("(routes only)")
                + ")"
            : "off")
        + "]";
  }

  /**
   * What makes approval impossible under the effective policy (the policy file, with
   * PITCREW_APPROVERS over its default approvers): nobody named at all, or a rule needing more
   * distinct approvers than it names (groups aside, whose size is only known at click time).
   */
  public static List<String> approvalGaps(dev.pitcrew.approvals.PolicyFile.Policies policies) {
    dev.pitcrew.approvals.ApprovalRule rule = policies.approvals().defaults();
    List<String> gaps = new java.util.ArrayList<>();
    if (rule.approvers().isEmpty() && rule.groups().isEmpty()) {
      gaps.add(
          "nobody can approve a change: set PITCREW_APPROVERS, or approvals.approvers or"
              + " approvals.groups in the policy file (PITCREW_CONFIG)");
    } else if (rule.groups().isEmpty() && rule.approvers().size() < rule.minApprovals()) {
      gaps.add(
          "the default rule needs "
              + rule.minApprovals()
              + " distinct approvers but names only "
              + rule.approvers().size()
              + ": nothing can be approved");
    }
    return gaps;
  }
}
