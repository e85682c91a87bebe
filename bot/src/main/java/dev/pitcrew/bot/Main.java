package dev.pitcrew.bot;

import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.config.ConfigException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar bot/target/pitcrew.jar}: serves Slack over HTTP on {@code PORT}. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0) {
      System.err.println(
          "pitcrew: unknown command '" + args[0] + "'; run without arguments to serve Slack");
      System.exit(2);
    }
    Config config;
    try {
      config = Config.fromEnv(System.getenv());
    } catch (ConfigException e) {
      System.err.println("pitcrew: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Fabric8 reads KUBECONFIG, else the in-cluster service account.
    KubernetesClient kubernetes = new KubernetesClientBuilder().build();
    try {
      Pitcrew pitcrew = Pitcrew.builder(config, kubernetes).start();
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
      if (config.llm().isEmpty()) {
        log.warn(
            "no LLM configured: /ask will say so until OPENAI_API_KEY or OPENAI_BASE_URL is set");
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
    } catch (Exception e) {
      System.err.println("pitcrew: could not start: " + e.getMessage());
      kubernetes.close();
      System.exit(1);
    }
  }
}
