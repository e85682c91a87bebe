package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @Test
  void missingSettingStopsStartUpWithOneLineNamingIt() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    var exit =
        Main.start(
            new String[0],
            Map.of("SLACK_SIGNING_SECRET", "s"),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).contains(Main.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "pitcrew: configuration error: SLACK_BOT_TOKEN is required" + System.lineSeparator());
  }

  @Test
  void brokenRunbookStopsStartUpNamingFileAndLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "name: broken\naction: deployment.explode\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    var exit =
        Main.start(
            new String[0],
            Map.of(
                "SLACK_BOT_TOKEN", "xoxb-test",
                "SLACK_SIGNING_SECRET", "s",
                "PORT", "0",
                "PITCREW_RUNBOOKS_DIR", dir.toString()),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).contains(Main.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith(
            "pitcrew: runbook error: " + file + ":2: action: unknown action 'deployment.explode'");
  }

  @Test
  void enablingAnUnknownRunbookStopsStartUpNamingIt() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    var exit =
        Main.start(
            new String[0],
            Map.of(
                "SLACK_BOT_TOKEN", "xoxb-test",
                "SLACK_SIGNING_SECRET", "s",
                "PORT", "0",
                "PITCREW_RUNBOOKS", "deployment_status,scale_deploymnet"),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).contains(Main.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith(
            "pitcrew: runbook error: PITCREW_RUNBOOKS names 'scale_deploymnet', which is not a"
                + " loaded runbook; loaded: cordon_node, ");
  }

  /** Regression: an unreachable Slack was reported as an invalid token. */
  @Test
  void anUnreachableSlackIsReportedAsSuchNotAsABadToken() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    var exit =
        Main.start(
            new String[0],
            Map.of(
                "SLACK_BOT_TOKEN", "xoxb-test",
                "SLACK_SIGNING_SECRET", "s",
                "SLACK_API_URL", "http://127.0.0.1:9/api/",
                "PORT", "0"),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).contains(Main.START_FAILED);
    assertThat(err.toString(StandardCharsets.UTF_8))
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
    assertThat(Main.approvalGaps(dev.pitcrew.bot.config.Config.fromEnv(withFile))).isEmpty();
    assertThat(Main.approvalGaps(dev.pitcrew.bot.config.Config.fromEnv(base)))
        .singleElement()
        .satisfies(gap -> assertThat(gap).startsWith("nobody can approve a change"));

    Files.writeString(policy, "approvals:\n  approvers: [U0LEAD]\n  minApprovals: 2\n");
    assertThat(Main.approvalGaps(dev.pitcrew.bot.config.Config.fromEnv(withFile)))
        .containsExactly(
            "the default rule needs 2 distinct approvers but names only 1: nothing can be approved");
  }

  @Test
  void aPolicyFileNamingAnUnknownRunbookStopsStartUpWithItsLine(@TempDir Path dir)
      throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy, "approvals:\n  approvers: [U0LEAD]\n  runbooks:\n    restart_deploymnet: {}\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    var exit =
        Main.start(
            new String[0],
            Map.of(
                "SLACK_BOT_TOKEN", "xoxb-test",
                "SLACK_SIGNING_SECRET", "s",
                "PORT", "0",
                "PITCREW_CONFIG", policy.toString()),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).contains(Main.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
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
    assertThat(exit).contains(Main.CONFIG_ERROR);
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
        .contains("shell");
    out.reset();
    assertThat(Main.command(List.of("version"), Map.of(), null, print, print)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).matches("pitcrew \\d+\\.\\d+\\.\\d+.*\\R");
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
        .isEqualTo(Main.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("needs the https URL Slack will call")
        .contains("'bot.example.com'");
  }
}
