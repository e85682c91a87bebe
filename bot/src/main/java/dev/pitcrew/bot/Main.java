package dev.pitcrew.bot;

import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.config.ConfigException;
import dev.pitcrew.runbooks.RunbookException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar bot/target/pitcrew.jar}: serves Slack over HTTP on {@code PORT}; with {@code
 * shell [--demo]}, a terminal shell instead.
 */
public final class Main {
  /** Exit code for a missing or malformed setting. */
  static final int CONFIG_ERROR = 2;

  static final int START_FAILED = 1;

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("shell")) {
      System.exit(
          ShellMain.run(
              List.of(args).subList(1, args.length),
              System.getenv(),
              System.in,
              System.out,
              System.err));
    }
    Optional<Integer> failure = start(args, System.getenv(), System.err);
    failure.ifPresent(System::exit);
  }

  /**
   * Starts Pitcrew, or says in one line on {@code err} why it cannot.
   *
   * @return the exit code if start-up failed; empty while the bot runs
   */
  static Optional<Integer> start(String[] args, Map<String, String> env, PrintStream err) {
    if (args.length > 0) {
      err.println(
          "pitcrew: unknown command '" + args[0] + "'; run without arguments to serve Slack");
      return Optional.of(CONFIG_ERROR);
    }
    Config config;
    try {
      config = Config.fromEnv(env);
    } catch (ConfigException e) {
      err.println("pitcrew: configuration error: " + e.getMessage());
      return Optional.of(CONFIG_ERROR);
    }
    // Fabric8 reads KUBECONFIG, else the in-cluster service account.
    KubernetesClient kubernetes = new KubernetesClientBuilder().build();
    Pitcrew pitcrew;
    try {
      pitcrew = Pitcrew.builder(config, kubernetes).start();
    } catch (RunbookException e) {
      err.println("pitcrew: runbook error: " + e.getMessage());
      kubernetes.close();
      return Optional.of(CONFIG_ERROR);
    } catch (Exception e) {
      err.println("pitcrew: could not start: " + e.getMessage());
      kubernetes.close();
      return Optional.of(START_FAILED);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  pitcrew.close();
                  kubernetes.close();
                },
                "pitcrew-shutdown"));
    log.info(
        "Pitcrew listening on port {} (Slack requests at /slack/events); cluster {}; {}",
        pitcrew.port(),
        kubernetes.getMasterUrl(),
        config);
    warnAboutGaps(config);
    return Optional.empty();
  }

  private static void warnAboutGaps(Config config) {
    if (config.llm().isEmpty()) {
      log.warn("no LLM configured: /ask says so until OPENAI_API_KEY or OPENAI_BASE_URL is set");
    }
    if (config.approvers().isEmpty()) {
      log.warn("PITCREW_APPROVERS is empty: nobody can approve a change");
    }
    if (config.auditChannel().isEmpty()) {
      log.warn("PITCREW_AUDIT_CHANNEL is not set: the audit feed goes to the log only");
    }
    if (config.slackAppToken().isPresent()) {
      log.warn("SLACK_APP_TOKEN is set, but Socket Mode is not available yet: serving HTTP");
    }
  }
}
