package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings the shell refuses before it starts, through the jar's own entry point. */
class ShellSettingsTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int shell(Map<String, String> env, String input, String... args) {
    return Main.command(
        java.util.stream.Stream.concat(java.util.stream.Stream.of("shell"), List.of(args).stream())
            .toList(),
        env,
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** Regression: `--user alice --approver alice` started, and nothing could ever be approved. */
  @Test
  void theSamePersonAsRequesterAndApproverIsRefused() {
    int code = shell(Map.of(), "", "--demo", "--user", "alice", "--approver", "alice");

    assertThat(code).isEqualTo(Command.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            "you would ask and approve as 'alice', and the policy lets nobody approve their own"
                + " request: nothing could ever be approved. Give --approver another name");
  }

  @Test
  void aPolicyThatAllowsSelfApprovalLetsOnePersonDoBoth(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "approvals:\n  approvers: [alice]\n  allowSelfApproval: true\n");

    int code =
        shell(
            Map.of("PITCREW_CONFIG", policy.toString()),
            "exit\n",
            "--demo",
            "--user",
            "alice",
            "--approver",
            "alice");

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("You are 'alice'");
  }

  @Test
  void aBrokenPolicyFileStopsTheShellWithFileAndLine(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy, "approvals:\n  runbooks:\n    scale_deploymnet:\n      minApprovals: 2\n");

    int code = shell(Map.of("PITCREW_CONFIG", policy.toString()), "exit\n", "--demo");

    assertThat(code).isEqualTo(Command.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(policy + ":3")
        .contains("scale_deploymnet");
  }

  @Test
  void theShellReadsNamedClustersAndRefusesAPolicyForAnotherOne(@TempDir Path dir)
      throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "approvals:\n  clusters:\n    prod: {minApprovals: 2}\n");
    Path kubeconfig = Files.writeString(dir.resolve("staging"), "{}");

    int code =
        shell(
            Map.of(
                "PITCREW_CONFIG",
                policy.toString(),
                "PITCREW_CLUSTERS",
                "staging=kubeconfig:" + kubeconfig),
            "exit\n",
            "--approver",
            "lead");

    assertThat(code).isEqualTo(Command.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            "approvals.clusters.prod: no cluster of that name is configured (configured:"
                + " staging)");
  }

  @Test
  void theDemoStartsWithTheIncidentNamed() {
    int code = shell(Map.of(), "exit\n", "--demo", "--incident", "scaled-to-zero");

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("incident scaled-to-zero: cart was scaled from 2 to 0 replicas by mistake");
  }

  @Test
  void anUnknownIncidentOrOneWithoutTheDemoIsRefused() {
    assertThat(shell(Map.of(), "", "--demo", "--incident", "oom")).isEqualTo(Command.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            "no incident named 'oom'; known: bad-config-rollout, bad-config-rollout-alert,"
                + " image-pull-backoff,");
    err.reset();
    assertThat(shell(Map.of(), "", "--incident", "scaled-to-zero")).isEqualTo(Command.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--incident needs --demo");
  }

  @Test
  void aBadExpiryIsAConfigurationError() {
    int code = shell(Map.of("PITCREW_APPROVAL_EXPIRY", "soon"), "exit\n", "--demo");

    assertThat(code).isEqualTo(Command.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("PITCREW_APPROVAL_EXPIRY");
  }
}
