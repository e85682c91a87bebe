package dev.pitcrew.bot;

import dev.pitcrew.approvals.PolicyException;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.config.ConfigException;
import dev.pitcrew.runbooks.RunbookException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar bot/target/pitcrew.jar}: serves Slack (Socket Mode when {@code SLACK_APP_TOKEN}
 * is set, else HTTP on {@code PORT}); otherwise dispatches to the {@link Command} named first.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /**
   * The commands this jar has: this module's, then any found on the class path (the demo module's
   * {@code eval}), then {@code cds-train} and {@code version}.
   */
  static List<Command> commands() {
    List<Command> commands =
        new ArrayList<>(List.of(new ShellCommand(), new SlackManifestCommand()));
    ServiceLoader.load(Command.class).forEach(commands::add);
    commands.add(new CdsTrainCommand());
    commands.add(new VersionCommand());
    return commands;
  }

  /** {@code --help}: serving Slack, then each command's own lines. */
  static String usage(List<Command> commands) {
    List<String> lines = new ArrayList<>();
    lines.add("usage: java -jar pitcrew.jar [COMMAND]");
    lines.add("");
    lines.add(
        "  (no command)                serve Slack: Socket Mode when SLACK_APP_TOKEN is set,");
    lines.add("                              else HTTP on PORT (POST /slack/events)");
    for (Command command : commands) {
      command.help().forEach(line -> lines.add("  " + line));
    }
    lines.add("  --help                      print this text");
    lines.add("");
    lines.add("Settings come from the environment (SLACK_BOT_TOKEN, SLACK_APP_TOKEN or");
    lines.add("SLACK_SIGNING_SECRET, OPENAI_BASE_URL, PITCREW_MODEL, ...): see the README.");
    return String.join(System.lineSeparator(), lines);
  }

  public static void main(String[] args) {
    int code = command(List.of(args), System.getenv(), System.in, System.out, System.err);
    if (code >= 0) {
      System.exit(code);
    }
    Optional<Integer> failure = start(args, System.getenv(), System.err);
    failure.ifPresent(System::exit);
  }

  /**
   * Runs a one-shot command.
   *
   * @return its exit code, or -1 if {@code args} asks to serve Slack (or names no command, which
   *     {@link #start} refuses)
   */
  static int command(
      List<String> args,
      Map<String, String> env,
      java.io.InputStream in,
      PrintStream out,
      PrintStream err) {
    String name = args.isEmpty() ? "" : args.get(0);
    List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
    List<Command> commands = commands();
    if (List.of("help", "--help", "-h").contains(name)) {
      out.println(usage(commands));
      return 0;
    }
    if (name.equals("--version")) {
      name = "version";
    }
    for (Command command : commands) {
      if (command.name().equals(name)) {
        return command.run(rest, env, in, out, err);
      }
    }
    return -1;
  }

  /**
   * Starts Pitcrew, or says in one line on {@code err} why it cannot.
   *
   * @return the exit code if start-up failed; empty while the bot runs
   */
  static Optional<Integer> start(String[] args, Map<String, String> env, PrintStream err) {
    return start(
        args,
        env,
        err,
        running -> Runtime.getRuntime().addShutdownHook(new Thread(running, "pitcrew-shutdown")));
  }

  /**
   * As {@link #start(String[], Map, PrintStream)}, handing what stops the running bot to {@code
   * started} (the JVM's shutdown hook; a test's own close).
   */
  static Optional<Integer> start(
      String[] args, Map<String, String> env, PrintStream err, Consumer<Runnable> started) {
    if (args.length > 0) {
      err.println("pitcrew: unknown command '" + args[0] + "'; see --help");
      return Optional.of(Command.CONFIG_ERROR);
    }
    Config config;
    try {
      config = Config.fromEnv(env);
    } catch (ConfigException e) {
      err.println("pitcrew: configuration error: " + e.getMessage());
      return Optional.of(Command.CONFIG_ERROR);
    }
    // Fabric8 reads KUBECONFIG, else the in-cluster service account. Its client is built, and its
    // first request made (the readiness probe's), while Slack is set up on this thread.
    // That first request (/version) is also readiness's first answer: asked once, not twice.
    CompletableFuture<KubernetesClient> client = new CompletableFuture<>();
    CompletableFuture<Optional<String>> firstAnswer = new CompletableFuture<>();
    Thread building =
        new Thread(
            () -> {
              try {
                KubernetesClient built = new KubernetesClientBuilder().build();
                client.complete(built);
                firstAnswer.complete(Pitcrew.Builder.kubernetesProblem(built));
              } catch (RuntimeException e) {
                client.completeExceptionally(e);
                firstAnswer.complete(Optional.of(e.toString()));
              }
            },
            "pitcrew-kubernetes-client");
    building.setDaemon(true);
    building.start();
    Pitcrew pitcrew;
    try {
      pitcrew = Pitcrew.builder(config, client).kubernetesAtStart(firstAnswer).start();
    } catch (RunbookException e) {
      err.println("pitcrew: runbook error: " + e.getMessage());
      client.thenAccept(KubernetesClient::close);
      return Optional.of(Command.CONFIG_ERROR);
    } catch (PolicyException e) {
      err.println("pitcrew: configuration error: " + e.getMessage());
      client.thenAccept(KubernetesClient::close);
      return Optional.of(Command.CONFIG_ERROR);
    } catch (CompletionException e) {
      err.println("pitcrew: could not set up the Kubernetes client: " + e.getCause().getMessage());
      return Optional.of(Command.START_FAILED);
    } catch (Exception e) {
      err.println("pitcrew: could not start: " + e.getMessage());
      client.thenAccept(KubernetesClient::close);
      return Optional.of(Command.START_FAILED);
    }
    KubernetesClient kubernetes = client.join(); // Pitcrew started with it
    started.accept(
        () -> {
          pitcrew.close();
          kubernetes.close();
        });
    log.info(
        "Pitcrew {} serving Slack over {}; HTTP on port {}; cluster {}; {}",
        VersionCommand.version(),
        pitcrew.socketMode() ? "Socket Mode" : "HTTP at /slack/events",
        pitcrew.port(),
        dev.pitcrew.bot.config.Urls.loggable(kubernetes.getMasterUrl()),
        config);
    warnAboutGaps(config);
    return Optional.empty();
  }

  private static void warnAboutGaps(Config config) {
    if (config.approvalStore() == Config.ApprovalStoreKind.KUBERNETES
        && config.storeSeal().isEmpty()) {
      log.warn(
          "PITCREW_STORE_KEY is not set: stored approval requests are not signed, so whoever may"
              + " write ConfigMaps in {} could change one",
          config.namespace().orElse("the bot's namespace"));
    }
    if (config.llm().isEmpty()) {
      log.warn("no LLM configured: /ask says so until OPENAI_API_KEY or OPENAI_BASE_URL is set");
    }
    for (String gap : Config.approvalGaps(config.policies())) {
      log.warn("{}", gap);
    }
    if (config.auditChannel().isEmpty()) {
      log.warn("PITCREW_AUDIT_CHANNEL is not set: the audit feed goes to the log only");
    }
  }
}
