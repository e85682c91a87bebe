package dev.pitcrew.bot;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import dev.pitcrew.approvals.ApprovalPolicy;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.config.ConfigException;
import dev.pitcrew.bot.demo.DemoCluster;
import dev.pitcrew.bot.shell.Shell;
import dev.pitcrew.bot.shell.ShellAuditSink;
import dev.pitcrew.bot.shell.ShellSurface;
import dev.pitcrew.runbooks.RunbookException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar pitcrew.jar shell [--demo] [--user NAME] [--approver NAME] [--audit FILE]}:
 * Pitcrew in a terminal, on the current KUBECONFIG's cluster or an embedded demo cluster.
 */
final class ShellMain {
  static final String USAGE =
      "usage: pitcrew shell [--demo] [--user NAME] [--approver NAME] [--audit FILE]";

  /** The demo's two local identities: one asks, the other may approve. */
  static final String DEMO_USER = "operator";

  static final String DEMO_APPROVER = "oncall-lead";

  private ShellMain() {}

  /**
   * The terminal is the shell's: application logs go to standard error at WARN, and the audit
   * logger is off because the audit feed has its own sink here.
   *
   * @return what puts the logging back as it was
   */
  private static Runnable quietLogs() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return () -> {};
    }
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.classic.Logger audit = context.getLogger("pitcrew.audit");
    Level rootLevel = root.getLevel();
    Level auditLevel = audit.getLevel();
    List<Runnable> restore = new java.util.ArrayList<>();
    root.iteratorForAppenders()
        .forEachRemaining(
            appender -> {
              if (appender instanceof ConsoleAppender<?> console) {
                String target = console.getTarget();
                retarget(console, "System.err");
                restore.add(() -> retarget(console, target));
              }
            });
    root.setLevel(Level.WARN);
    audit.setLevel(Level.OFF);
    return () -> {
      root.setLevel(rootLevel);
      audit.setLevel(auditLevel);
      restore.forEach(Runnable::run);
    };
  }

  private static void retarget(ConsoleAppender<?> console, String target) {
    console.stop();
    console.setTarget(target);
    console.start();
  }

  /**
   * @return the exit code
   */
  static int run(
      List<String> args,
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err) {
    boolean demo = false;
    Optional<String> user = Optional.empty();
    Optional<String> approver = Optional.empty();
    Optional<String> auditFile = Optional.empty();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--demo" -> demo = true;
        case "--user", "--approver", "--audit" -> {
          if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            err.println("pitcrew: " + arg + " needs a value; " + USAGE);
            return Main.CONFIG_ERROR;
          }
          String value = args.get(++i);
          switch (arg) {
            case "--user" -> user = Optional.of(value);
            case "--approver" -> approver = Optional.of(value);
            default -> auditFile = Optional.of(value);
          }
        }
        default -> {
          err.println("pitcrew: unknown option '" + arg + "'; " + USAGE);
          return Main.CONFIG_ERROR;
        }
      }
    }
    Optional<Config.Llm> llm;
    Optional<java.nio.file.Path> runbooks;
    Optional<Set<String>> enabledRunbooks;
    try {
      llm = Config.llm(env);
      runbooks = Config.runbooksDirectory(env);
      enabledRunbooks = Config.enabledRunbooks(env);
    } catch (ConfigException e) {
      err.println("pitcrew: configuration error: " + e.getMessage());
      return Main.CONFIG_ERROR;
    }
    PrintStream audit = err;
    if (auditFile.isPresent()) {
      try {
        audit =
            new PrintStream(
                new FileOutputStream(auditFile.get(), true), true, StandardCharsets.UTF_8);
      } catch (FileNotFoundException e) {
        err.println(
            "pitcrew: cannot write the audit file " + auditFile.get() + ": " + e.getMessage());
        return Main.CONFIG_ERROR;
      }
    }
    String me = user.orElse(demo ? DEMO_USER : env.getOrDefault("USER", "operator"));
    Optional<String> decider = demo ? approver.or(() -> Optional.of(DEMO_APPROVER)) : approver;
    Runnable restoreLogs = quietLogs();
    Clock clock = Clock.systemUTC();
    DemoCluster cluster = demo ? DemoCluster.start(clock) : null;
    KubernetesClient kubernetes = demo ? cluster.client() : new KubernetesClientBuilder().build();
    ShellSurface surface = new ShellSurface(out);
    try (Core core =
        Core.create(
            new Core.Settings(
                llm,
                ApprovalPolicy.of(decider.map(Set::of).orElse(Set.of())),
                Core.memoryStore(clock),
                clock,
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                Optional.empty(),
                runbooks,
                enabledRunbooks,
                Config.DEFAULT_APPROVAL_RETENTION),
            kubernetes,
            surface,
            List.of(new ShellAuditSink(audit)))) {
      surface.line(
          "Pitcrew shell on "
              + (demo
                  ? "the embedded demo cluster (namespace " + DemoCluster.NAMESPACE + ")"
                  : "the cluster at " + kubernetes.getMasterUrl())
              + ". You are '"
              + me
              + "'"
              + decider
                  .map(d -> "; approvals are decided as '" + d + "'")
                  .orElse("; no approver is set (--approver NAME)")
              + ".");
      if (!core.conversations.hasAssistant()) {
        surface.line(
            "No LLM configured (OPENAI_API_KEY / OPENAI_BASE_URL, PITCREW_MODEL): questions are off;"
                + " commands work. Type help.");
      }
      surface.line("Audit feed: " + auditFile.orElse("standard error") + ". Type exit to leave.");
      new Shell(
              core.conversations,
              core.path,
              surface,
              me,
              decider,
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)),
              out)
          .run();
      return 0;
    } catch (RunbookException e) {
      err.println("pitcrew: runbook error: " + e.getMessage());
      return Main.CONFIG_ERROR;
    } catch (java.io.IOException e) {
      err.println("pitcrew: reading input failed: " + e.getMessage());
      return 1;
    } finally {
      restoreLogs.run();
      if (cluster != null) {
        cluster.close();
      } else {
        kubernetes.close();
      }
      if (audit != err) {
        audit.close();
      }
    }
  }
}
