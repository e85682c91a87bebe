package dev.pitcrew.bot;

import dev.pitcrew.approvals.ApprovalRule;
import dev.pitcrew.approvals.GroupDirectory;
import dev.pitcrew.approvals.McpPolicy;
import dev.pitcrew.approvals.PolicyException;
import dev.pitcrew.approvals.PolicyFile;
import dev.pitcrew.bot.config.ClusterSpec;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.config.ConfigException;
import dev.pitcrew.bot.http.HttpFrontend;
import dev.pitcrew.bot.kube.ClusterClients;
import dev.pitcrew.bot.kube.Clusters;
import dev.pitcrew.bot.kube.UserDirectory;
import dev.pitcrew.bot.logging.TerminalLogs;
import dev.pitcrew.bot.mcp.McpEndpoint;
import dev.pitcrew.bot.mcp.McpTools;
import dev.pitcrew.bot.shell.Shell;
import dev.pitcrew.bot.shell.ShellAuditSink;
import dev.pitcrew.bot.shell.ShellSurface;
import dev.pitcrew.runbooks.RunbookException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * {@code java -jar pitcrew.jar shell [--demo [--incident NAME]] [--user NAME] [--approver NAME]
 * [--audit FILE] [--mcp-port N]}: Pitcrew in a terminal, on the current KUBECONFIG's cluster or an
 * embedded demo cluster, under the same policy settings as Slack (PITCREW_CONFIG,
 * PITCREW_APPROVERS, PITCREW_APPROVAL_EXPIRY).
 */
final class ShellCommand implements Command {
  static final String USAGE =
      "usage: pitcrew shell [--demo [--incident NAME]] [--user NAME] [--approver NAME]"
          + " [--audit FILE] [--mcp-port N]";

  /** The demo's two local identities: one asks, the other may approve. */
  static final String DEMO_USER = "operator";

  static final String DEMO_APPROVER = "oncall-lead";

  @Override
  public String name() {
    return "shell";
  }

  @Override
  public List<String> help() {
    return List.of(
        "shell [--demo] ...          Pitcrew in this terminal; --demo on an embedded cluster",
        "                            (--incident NAME: one of the incident library's;",
        "                            --mcp-port N: serve MCP on 127.0.0.1:N)");
  }

  /** What the command line chose. */
  private record Options(
      boolean demo,
      Optional<String> user,
      Optional<String> approver,
      Optional<String> audit,
      Optional<String> incident,
      Optional<Integer> mcpPort) {}

  /**
   * The shell on the process's own terminal: a real one with line editing when there is one, a
   * plain one when input is piped.
   *
   * @return the exit code
   */
  @Override
  public int run(
      List<String> args,
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err) {
    try (Terminal terminal =
        in == System.in && out == System.out
            ? TerminalBuilder.builder().name("pitcrew").system(true).dumb(true).build()
            : TerminalBuilder.builder()
                .name("pitcrew")
                .system(false)
                .streams(in, out)
                .type(Terminal.TYPE_DUMB)
                .build()) {
      return run(args, env, terminal, err, Sandbox.provider());
    } catch (IOException e) {
      err.println("pitcrew: cannot open the terminal: " + e.getMessage());
      return 1;
    }
  }

  /**
   * @return the exit code
   */
  static int run(
      List<String> args,
      Map<String, String> env,
      Terminal terminal,
      PrintStream err,
      Optional<Sandbox.Provider> sandboxes) {
    if (terminal.getWidth() <= 0) {
      // No size reported (kubectl exec -it before it arrives, some CI terminals): the line editor
      // would draw its prompt in zero columns. A resize later replaces this.
      terminal.setSize(new org.jline.terminal.Size(80, Math.max(terminal.getHeight(), 24)));
    }
    Options options;
    try {
      options = options(args);
    } catch (IllegalArgumentException e) {
      err.println("pitcrew: " + e.getMessage() + "; " + USAGE);
      return Command.CONFIG_ERROR;
    }
    boolean demo = options.demo();
    if (demo && sandboxes.isEmpty()) {
      err.println(
          "pitcrew: shell --demo needs the demo cluster, which this build leaves out (the"
              + " production image carries no mock API server); run it from the jar the README"
              + " builds, bot/target/pitcrew.jar");
      return Command.CONFIG_ERROR;
    }
    String me = options.user().orElse(demo ? DEMO_USER : env.getOrDefault("USER", "operator"));
    Optional<String> decider =
        demo ? options.approver().or(() -> Optional.of(DEMO_APPROVER)) : options.approver();
    Optional<Config.Llm> llm;
    Optional<Path> runbooks;
    Optional<Set<String>> enabledRunbooks;
    PolicyFile.Policies policies;
    List<ClusterSpec> clusters;
    try {
      llm = Config.llm(env);
      runbooks = Config.runbooksDirectory(env);
      enabledRunbooks = Config.enabledRunbooks(env);
      // The demo's approver is the default approver unless the settings name approvers.
      policies = Config.policies(env, demo ? decider.map(Set::of).orElse(Set.of()) : Set.of());
      // The demo is one embedded cluster; otherwise the shell sees what Slack would.
      clusters = demo ? List.of() : Config.clusters(env);
      policies.requireClusters(
          clusters.stream().map(ClusterSpec::name).collect(java.util.stream.Collectors.toSet()));
    } catch (dev.pitcrew.approvals.PolicyException e) {
      err.println("pitcrew: configuration error: " + e.getMessage());
      return Command.CONFIG_ERROR;
    } catch (ConfigException e) {
      err.println("pitcrew: configuration error: " + e.getMessage());
      return Command.CONFIG_ERROR;
    }
    ApprovalRule rule = policies.approvals().defaults();
    String decidesAs = decider.orElse(me);
    if (decidesAs.equals(me) && !rule.allowSelfApproval()) {
      err.println(
          "pitcrew: you would ask and approve as '"
              + me
              + "', and the policy lets nobody approve their own request: nothing could ever be"
              + " approved. Give --approver another name"
              + (rule.approvers().isEmpty()
                  ? ""
                  : " (the policy's approvers: "
                      + String.join(", ", rule.approvers().stream().sorted().toList())
                      + ")")
              + ".");
      return Command.CONFIG_ERROR;
    }
    PrintStream auditFile = null;
    if (options.audit().isPresent()) {
      try {
        auditFile =
            new PrintStream(
                new FileOutputStream(options.audit().get(), true), true, StandardCharsets.UTF_8);
      } catch (FileNotFoundException e) {
        err.println(
            "pitcrew: cannot write the audit file "
                + options.audit().get()
                + ": "
                + e.getMessage());
        return Command.CONFIG_ERROR;
      }
    }
    Runnable restoreLogs = TerminalLogs.quiet();
    Clock clock = Clock.systemUTC();
    Sandbox cluster;
    try {
      cluster = demo ? sandboxes.get().start(clock, options.incident()) : null;
    } catch (IllegalArgumentException e) {
      restoreLogs.run();
      if (auditFile != null) {
        auditFile.close();
      }
      err.println("pitcrew: " + e.getMessage() + "; " + USAGE);
      return Command.CONFIG_ERROR;
    }
    KubernetesClient kubernetes = demo ? cluster.client() : new KubernetesClientBuilder().build();
    ShellSurface surface = new ShellSurface(terminal);
    HttpFrontend mcp = null;
    // Ctrl-C while a command runs must not end the process; at the prompt it clears the line.
    terminal.handle(Terminal.Signal.INT, signal -> {});
    try (Core core =
        Core.create(
            Core.settings()
                .llm(llm)
                .policy(policies.approvals())
                .clock(clock)
                .rolloutPoll(Duration.ofSeconds(1))
                .sweepEvery(Duration.ofSeconds(10))
                .runbooksDirectory(runbooks)
                .enabledRunbooks(enabledRunbooks)
                .people(
                    new Core.People(
                        policies.access(),
                        policies.kubernetes(),
                        UserDirectory.none(),
                        GroupDirectory.none()))
                .masking(policies.masking())
                .limits(policies.limits())
                .refuseGitOps(policies.refuseGitOps())
                .build(),
            Clusters.named(kubernetes, ClusterClients.build(clusters)),
            surface,
            List.of(
                auditFile != null
                    ? ShellAuditSink.file(auditFile)
                    : ShellAuditSink.terminal(surface)))) {
      policies.requireLoaded(core.loadedRunbooks);
      LineReaderBuilder builder =
          LineReaderBuilder.builder()
              .terminal(terminal)
              .appName("pitcrew")
              .completer(Shell.completer(core.catalog, core.approvals))
              .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true); // "!" is just a character
      historyFile(env).ifPresent(file -> builder.variable(LineReader.HISTORY_FILE, file));
      LineReader reader = builder.build();
      surface.attach(reader);
      List<String> greeting =
          greeting(
              options,
              env,
              me,
              decider,
              Optional.ofNullable(cluster).map(Sandbox::description),
              kubernetes,
              core,
              policies);
      if (options.mcpPort().isPresent()) {
        try {
          mcp = mcp(options.mcpPort().get(), policies, me, core, surface, greeting);
        } catch (IOException e) {
          err.println(
              "pitcrew: cannot serve MCP on 127.0.0.1:"
                  + options.mcpPort().get()
                  + ": "
                  + e.getMessage());
          return Command.START_FAILED;
        }
      }
      for (String line : greeting) {
        surface.line(line);
      }
      new Shell(
              core.conversations,
              core.path,
              core.approvals,
              core.catalog,
              surface,
              me,
              decider,
              reader)
          .run();
      reader.getHistory().save();
      return 0;
    } catch (PolicyException e) {
      err.println("pitcrew: " + e.getMessage());
      return Command.CONFIG_ERROR;
    } catch (RunbookException e) {
      err.println("pitcrew: runbook error: " + e.getMessage());
      return Command.CONFIG_ERROR;
    } catch (IOException e) {
      err.println("pitcrew: could not save the shell history: " + e.getMessage());
      return 0;
    } finally {
      if (mcp != null) {
        mcp.close();
      }
      restoreLogs.run();
      if (cluster != null) {
        cluster.close();
      } else {
        kubernetes.close();
      }
      if (auditFile != null) {
        auditFile.close();
      }
    }
  }

  private static Options options(List<String> args) {
    boolean demo = false;
    Optional<String> user = Optional.empty();
    Optional<String> approver = Optional.empty();
    Optional<String> audit = Optional.empty();
    Optional<String> incident = Optional.empty();
    Optional<Integer> mcpPort = Optional.empty();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--demo" -> demo = true;
        case "--user", "--approver", "--audit", "--incident", "--mcp-port" -> {
          if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new IllegalArgumentException(arg + " needs a value");
          }
          String value = args.get(++i);
          switch (arg) {
            case "--user" -> user = Optional.of(value);
            case "--approver" -> approver = Optional.of(value);
            case "--incident" -> incident = Optional.of(value);
            case "--mcp-port" -> mcpPort = Optional.of(port(value));
            default -> audit = Optional.of(value);
          }
        }
        default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
      }
    }
    if (incident.isPresent() && !demo) {
      throw new IllegalArgumentException("--incident needs --demo: incidents are demo clusters");
    }
    return new Options(demo, user, approver, audit, incident, mcpPort);
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(
        "--mcp-port must be a port from 1 to 65535 (0: any free one), was '" + value + "'");
  }

  /**
   * MCP on loopback for the agents on this machine, through the shell's own tool path: the policy
   * file's clients if it names any, else one made now for the shell's user, its token shown once.
   * Their proposals are shown at this prompt and decided by its approver.
   */
  private static HttpFrontend mcp(
      int port,
      PolicyFile.Policies policies,
      String me,
      Core core,
      ShellSurface surface,
      List<String> greeting)
      throws IOException {
    McpPolicy policy = policies.mcp();
    String token = null;
    if (!policy.enabled()) {
      byte[] random = new byte[24];
      new java.security.SecureRandom().nextBytes(random);
      token = "pitcrew-shell-" + java.util.HexFormat.of().formatHex(random);
      policy =
          new McpPolicy(
              Optional.of(Shell.CHANNEL),
              List.of(new McpPolicy.Client("shell", McpPolicy.sha256(token), me)));
    }
    McpEndpoint endpoint = new McpEndpoint(policy, McpTools.mapper(), Clock.systemUTC());
    McpTools.serve(
        endpoint,
        new McpTools(
            core.catalog,
            core.tools,
            core.approvals,
            core.audit,
            Shell.CHANNEL,
            (channel, requester, text, correlationId) -> {
              surface.line("[" + correlationId + "] " + requester + " asked " + text);
              return correlationId;
            },
            (channel, user, correlationId) -> Optional.empty(),
            core.usage),
        VersionCommand.version());
    HttpFrontend http =
        HttpFrontend.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
            Map.of("/mcp", endpoint));
    greeting.add(
        "MCP for agents on this machine: http://127.0.0.1:"
            + http.port()
            + "/mcp"
            + (token == null
                ? ", for the policy file's mcp.clients."
                : ", bearer token "
                    + token
                    + " (acts as '"
                    + me
                    + "'; valid while this shell runs).")
            + " Their proposals are shown here; approve or deny them with approve apr-ID.");
    return http;
  }

  /** What the operator must know before typing: where, who, and what will not work. */
  private static List<String> greeting(
      Options options,
      Map<String, String> env,
      String me,
      Optional<String> decider,
      Optional<String> sandbox,
      KubernetesClient kubernetes,
      Core core,
      PolicyFile.Policies policies) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "Pitcrew shell on "
            + sandbox.orElseGet(
                () ->
                    "the cluster at "
                        + dev.pitcrew.bot.config.Urls.loggable(kubernetes.getMasterUrl()))
            + ". You are '"
            + me
            + "'"
            + decider
                .map(d -> "; approvals are decided as '" + d + "'")
                .orElse("; no approver is set (--approver NAME)")
            + ".");
    if (sandbox.isEmpty() && noClusterConfigured(env)) {
      lines.add(
          "No KUBECONFIG, no ~/.kube/config, and not inside a cluster: every command that reads"
              + " the cluster will fail after a connection timeout. Set KUBECONFIG, or try"
              + " --demo.");
    }
    for (String gap : Config.approvalGaps(policies)) {
      lines.add("Warning: " + gap + ".");
    }
    ApprovalRule rule = policies.approvals().defaults();
    String decidesAs = decider.orElse(me);
    if (!rule.approvers().isEmpty()
        && !rule.approvers().contains(decidesAs)
        && rule.groups().isEmpty()) {
      lines.add(
          "Warning: '"
              + decidesAs
              + "' is not an approver under the policy (approvers: "
              + String.join(", ", rule.approvers().stream().sorted().toList())
              + "): approvals typed here will be refused. Use --approver NAME.");
    }
    if (!rule.groups().isEmpty()) {
      lines.add(
          "Note: the policy names Slack groups as approvers; the shell cannot look them up, so"
              + " only the approvers it names by user count here.");
    }
    if (!core.conversations.hasAssistant()) {
      lines.add(
          "No LLM configured (OPENAI_API_KEY / OPENAI_BASE_URL, PITCREW_MODEL): questions are off;"
              + " commands work.");
    }
    lines.add(
        "Audit feed: "
            + options.audit().orElse("dimmed lines marked 'audit' (--audit FILE to move it)")
            + ". Type help for the commands, exit to leave.");
    return lines;
  }

  /**
   * Fabric8 falls back to https://kubernetes.default.svc, which outside a cluster never answers.
   */
  private static boolean noClusterConfigured(Map<String, String> env) {
    if (env.containsKey("KUBECONFIG") || env.containsKey("KUBERNETES_SERVICE_HOST")) {
      return false;
    }
    String home = env.get("HOME");
    return home == null || !Files.exists(Path.of(home, ".kube", "config"));
  }

  private static Optional<Path> historyFile(Map<String, String> env) {
    return Optional.ofNullable(env.get("HOME"))
        .map(home -> Path.of(home, ".pitcrew_history"))
        .filter(p -> Files.isWritable(p.getParent()));
  }
}
