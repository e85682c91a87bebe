package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  /** What a start-up attempt said and how it ended. */
  private record Started(Optional<Integer> exit, String err) {}

  /** Starts with a bot token, a signing secret and any port, plus {@code more} settings. */
  private static Started startWith(String... more) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("SLACK_BOT_TOKEN", "xoxb-test");
    env.put("SLACK_SIGNING_SECRET", "s");
    env.put("PORT", "0");
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return start(env);
  }

  private static Started start(Map<String, String> env) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    var exit = Main.start(new String[0], env, new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Started(exit, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void missingSettingStopsStartUpWithOneLineNamingIt() {
    Started started = start(Map.of("SLACK_SIGNING_SECRET", "s"));

    assertThat(started.exit()).contains(Command.CONFIG_ERROR);
    assertThat(started.err())
        .isEqualTo(
            "pitcrew: configuration error: SLACK_BOT_TOKEN is required" + System.lineSeparator());
  }

  @Test
  void brokenRunbookStopsStartUpNamingFileAndLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "name: broken\naction: deployment.explode\n");
    Started started = startWith("PITCREW_RUNBOOKS_DIR", dir.toString());

    assertThat(started.exit()).contains(Command.CONFIG_ERROR);
    assertThat(started.err())
        .startsWith(
            "pitcrew: runbook error: " + file + ":2: action: unknown action 'deployment.explode'");
  }

  @Test
  void enablingAnUnknownRunbookStopsStartUpNamingIt() {
    Started started = startWith("PITCREW_RUNBOOKS", "deployment_status,scale_deploymnet");

    assertThat(started.exit()).contains(Command.CONFIG_ERROR);
    assertThat(started.err())
        .startsWith(
            "pitcrew: runbook error: PITCREW_RUNBOOKS names 'scale_deploymnet', which is not a"
                + " loaded runbook; loaded: cordon_node, ");
  }

  /** Regression: an unreachable Slack was reported as an invalid token. */
  @Test
  void anUnreachableSlackIsReportedAsSuchNotAsABadToken() {
    Started started = startWith("SLACK_API_URL", "http://127.0.0.1:9/api/");

    assertThat(started.exit()).contains(Command.START_FAILED);
    assertThat(started.err())
        .startsWith("pitcrew: could not start: could not reach Slack at http://127.0.0.1:9/api/")
        .doesNotContain("SLACK_BOT_TOKEN");
  }

  /**
   * Regression: "PITCREW_APPROVERS is empty" was logged although the policy file named approvers.
   */
  @Test
  void approvalWarningsFollowTheEffectivePolicy(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "approvals:\n  approvers: [U0LEAD]\n");
    Map<String, String> base =
        Map.of("SLACK_BOT_TOKEN", "xoxb-t", "SLACK_SIGNING_SECRET", "s", "PORT", "0");

    var withFile = new java.util.HashMap<>(base);
    withFile.put("PITCREW_CONFIG", policy.toString());
    assertThat(
            dev.pitcrew.bot.config.Config.approvalGaps(
                dev.pitcrew.bot.config.Config.fromEnv(withFile).policies()))
        .isEmpty();
    assertThat(
            dev.pitcrew.bot.config.Config.approvalGaps(
                dev.pitcrew.bot.config.Config.fromEnv(base).policies()))
        .singleElement()
        .satisfies(gap -> assertThat(gap).startsWith("nobody can approve a change"));

    Files.writeString(policy, "approvals:\n  approvers: [U0LEAD]\n  minApprovals: 2\n");
    assertThat(
            dev.pitcrew.bot.config.Config.approvalGaps(
                dev.pitcrew.bot.config.Config.fromEnv(withFile).policies()))
        .containsExactly(
            "the default rule needs 2 distinct approvers but names only 1: nothing can be approved");
  }

  @Test
  void aPolicyFileNamingAnUnknownRunbookStopsStartUpWithItsLine(@TempDir Path dir)
      throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy, "approvals:\n  approvers: [U0LEAD]\n  runbooks:\n    restart_deploymnet: {}\n");
    Started started = startWith("PITCREW_CONFIG", policy.toString());

    assertThat(started.exit()).contains(Command.CONFIG_ERROR);
    assertThat(started.err())
        .startsWith(
            "pitcrew: configuration error: PITCREW_CONFIG "
                + policy
                + ":4: approvals.runbooks.restart_deploymnet: no runbook of that name is loaded");
  }

  @Test
  void unknownCommandIsRefused() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    var exit =
        Main.start(
            new String[] {"serve"}, Map.of(), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).contains(Command.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'serve'");
  }

  @Test
  void helpAndVersionPrintAndExitZero() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

    assertThat(Main.command(List.of("--help"), Map.of(), null, print, print)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("usage: java -jar pitcrew.jar")
        .contains("slack-manifest")
        .contains("cds-train")
        .contains("shell");
    out.reset();
    assertThat(Main.command(List.of("version"), Map.of(), null, print, print)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).matches("pitcrew \\d+\\.\\d+\\.\\d+.*\\R");
  }

  /**
   * This module is what the production image carries: without the demo module on the class path
   * there is no {@code eval}, and {@code shell --demo} says where the demo lives instead of failing
   * on a missing class.
   */
  @Test
  void withoutTheDemoModuleTheDemoCommandsSayWhereTheyAre() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    assertThat(Main.command(List.of("--help"), Map.of(), null, o, e)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("eval");
    assertThat(Main.command(List.of("eval"), Map.of(), null, o, e)).isEqualTo(-1);

    int code =
        Main.command(
            List.of("shell", "--demo"),
            Map.of(),
            new java.io.ByteArrayInputStream("exit\n".getBytes(StandardCharsets.UTF_8)),
            o,
            e);
    assertThat(code).isEqualTo(Command.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("shell --demo needs the demo cluster")
        .contains("bot/target/pitcrew.jar");
  }

  /**
   * The class-data training run answers its one /ask and ends: under {@code
   * -XX:ArchiveClassesAtExit} (the chart's init container; startup-benchmark does it too) the JVM
   * writes the archive then. In-process here, so no archive: this proves the run itself.
   */
  @Test
  void cdsTrainingStartsAnswersOneAskAndEnds() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    assertThat(Main.command(List.of("cds-train"), Map.of(), null, e, e))
        .as("%s", err.toString(StandardCharsets.UTF_8))
        .isZero();
    // The stand-in Kubernetes API answered every read the training ask made: the archive covers
    // the real answer, not an error path.
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("not found");
  }

  @Test
  void slackManifestPrintsSocketModeOrHttpAndRefusesABadUrl() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    assertThat(Main.command(List.of("slack-manifest"), Map.of(), null, o, e)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("socket_mode_enabled: true");
    out.reset();
    assertThat(
            Main.command(
                List.of("slack-manifest", "--http", "https://bot.example.com/slack/events"),
                Map.of(),
                null,
                o,
                e))
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("socket_mode_enabled: false")
        .contains("request_url: https://bot.example.com/slack/events");

    assertThat(
            Main.command(
                List.of("slack-manifest", "--http", "bot.example.com"), Map.of(), null, o, e))
        .isEqualTo(Command.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("needs the https URL Slack will call")
        .contains("'bot.example.com'");
  }
}
