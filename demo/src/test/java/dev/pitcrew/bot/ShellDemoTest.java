package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitcrew.bot.testing.McpAgent;
import dev.pitcrew.bot.testing.ScriptedOpenAi;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, driven through JLine's test terminal (a DumbTerminal of type "ansi"
 * over pipes, as JLine's own reader tests use): keys go in as a person types them, Enter, Tab,
 * Ctrl-C, Ctrl-D and Ctrl-P included, and the screen is read back without its escape sequences.
 * What the stand-in lacks: a real TTY's line discipline (its Ctrl-C and Ctrl-D settings are set by
 * hand, as `stty sane` sets them) and window size changes.
 */
class ShellDemoTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Pattern CORRELATION_ID = Pattern.compile("\\[(pc-[0-9a-f]{12})\\]");
  private static final String CTRL_C = "\u0003";
  private static final String CTRL_D = "\u0004";
  private static final String CTRL_P = "\u0010";

  private final PipedOutputStream keyboard = new PipedOutputStream();
  private final SyncBuffer output = new SyncBuffer();
  private final SyncBuffer errors = new SyncBuffer();
  private Terminal terminal;
  private CompletableFuture<Integer> exit;

  /** A byte buffer that can be read while the shell writes to it. */
  static final class SyncBuffer extends ByteArrayOutputStream {
    @Override
    public synchronized String toString() {
      return toString(StandardCharsets.UTF_8);
    }
  }

  private void start(Map<String, String> env, String... args) throws IOException {
    startSized(new Size(400, 50), env, args);
  }

  private void startSized(Size size, Map<String, String> env, String... args) throws IOException {
    PipedInputStream in = new PipedInputStream(keyboard, 1 << 16);
    terminal = new DumbTerminal("test", "ansi", in, output, StandardCharsets.UTF_8);
    terminal.setSize(size);
    // What `stty sane` gives a real TTY: Ctrl-C interrupts, Ctrl-D ends input.
    Attributes tty = terminal.getAttributes();
    tty.setLocalFlag(Attributes.LocalFlag.ISIG, true);
    tty.setControlChar(Attributes.ControlChar.VINTR, 3);
    tty.setControlChar(Attributes.ControlChar.VEOF, 4);
    terminal.setAttributes(tty);
    PrintStream err = new PrintStream(errors, true, StandardCharsets.UTF_8);
    exit =
        CompletableFuture.supplyAsync(
            () -> ShellCommand.run(List.of(args), env, terminal, err, Sandbox.provider()));
  }

  /** Keys as typed: no Enter added. */
  private void keys(String keys) throws IOException {
    keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
    keyboard.flush();
  }

  private void type(String line) throws IOException {
    keys(line + "\r");
  }

  /** What a person sees: escape sequences and carriage returns removed. */
  private String screen() {
    return AttributedString.stripAnsi(output.toString()).replace("\r", "");
  }

  private void awaitScreen(String text) {
    await().atMost(PATIENCE).until(() -> screen().contains(text));
  }

  private int count(String text) {
    return screen().split(Pattern.quote(text), -1).length - 1;
  }

  @AfterEach
  void quit() throws Exception {
    if (!exit.isDone()) {
      type("exit");
    }
    assertThat(exit.get()).isZero();
    keyboard.close();
    terminal.close();
  }

  @Test
  void diagnoseRollBackApproveAsTheSecondIdentityAndSeeItConverge(@TempDir Path dir)
      throws Exception {
    Path audit = dir.resolve("audit.log");
    start(Map.of(), "--demo", "--audit", audit.toString());
    awaitScreen("You are 'operator'; approvals are decided as 'oncall-lead'");
    awaitScreen("No LLM configured");

    type("run deployment_status namespace=shop name=checkout");
    awaitScreen("deployment shop/checkout: 3 desired, 0 ready");
    type("run list_pods namespace=shop deployment=checkout");
    awaitScreen("waiting: CrashLoopBackOff");
    type("run rollback_deployment namespace=shop name=checkout");
    awaitScreen(
        "change: image of container checkout: registry.example/checkout:v3 -> registry.example/checkout:v2");
    awaitScreen("Decide apr-");

    // The requester cannot approve their own change, even when asked to.
    type("approve as operator");
    awaitScreen("(to operator) You cannot decide this request: you asked for this change");
    String approval = between(screen(), "Decide ", ":");
    type("approve " + approval + " as oncall-lead");

    awaitScreen("Done: Rolled back deployment shop/checkout from revision 3 to revision 2");
    awaitScreen("Verified: deployment shop/checkout: 3/3 ready after");
    type("run deployment_status namespace=shop name=checkout");
    awaitScreen(
        "3 desired, 3 ready, 3 updated, 3 available; revision 4; images checkout=registry.example/checkout:v2");

    String correlationId = correlationIdOf("Done: Rolled back");
    await()
        .atMost(PATIENCE)
        .until(() -> Files.readString(audit).contains(correlationId + " verified"));
    assertThat(Files.readString(audit))
        .contains(correlationId + " approval requested by operator")
        .contains(correlationId + " approval refused by operator")
        .contains(correlationId + " approved by oncall-lead")
        .contains(correlationId + " executed by oncall-lead");
  }

  /**
   * Regression: an approved change printed its outcome three times (the card's update, the thread's
   * "Done:", the audit line) and the correlation ID twice in one message.
   */
  @Test
  void eachOutcomeIsPrintedOnceWithItsCorrelationIdOnce(@TempDir Path dir) throws Exception {
    start(Map.of(), "--demo", "--audit", dir.resolve("audit.log").toString());
    type("run rollback_deployment namespace=shop name=checkout");
    awaitScreen("Decide apr-");
    type("approve");
    awaitScreen("Verified: deployment shop/checkout");

    assertThat(count("Rolled back deployment shop/checkout from revision 3 to revision 2"))
        .isEqualTo(1);
    assertThat(count("running now")).isEqualTo(1);
    String correlationId = correlationIdOf("Done: Rolled back");
    String done =
        screen()
            .substring(screen().indexOf("[" + correlationId + "] Done:"))
            .lines()
            .limit(2)
            .reduce("", String::concat);
    assertThat(done.split(correlationId, -1)).hasSize(2);
    assertThat(done).contains("To undo: run rollback_deployment name=checkout namespace=shop");
    // The verification arrives on its own thread: the prompt is drawn again under it.
    await()
        .atMost(PATIENCE)
        .until(() -> screen().substring(screen().lastIndexOf("Verified:")).contains("\npitcrew> "));
  }

  /**
   * A StatefulSet stuck on a crash-looping revision, rolled back through the same card and verified
   * by its own rules: the demo's controller replaces one pod at a time from the highest ordinal,
   * and the watch waits for every pod to run the restored revision.
   */
  @Test
  void aStatefulSetRolledBackIsVerifiedOnceEveryOrdinalRunsTheRestoredRevision() throws Exception {
    start(Map.of(), "--demo", "--incident", "statefulset-bad-revision");
    type("run rollback_deployment kind=StatefulSet namespace=shop name=orders-db");
    awaitScreen("Roll back statefulset shop/orders-db from revision 2 to revision 1");
    awaitScreen("Decide apr-");
    type("approve");

    awaitScreen("Verified: statefulset shop/orders-db: 3/3 ready");
  }

  @Test
  void aDrainCordonsTheNodeAndItsPodsStartElsewhere() throws Exception {
    start(Map.of(), "--demo", "--incident", "node-memory-pressure");
    type("run drain_node name=node-1 waitSeconds=0");
    awaitScreen("Drain node node-1: cordon it, then evict");
    awaitScreen("Decide apr-");
    type("approve");

    awaitScreen("Drained node node-1: cordoned; evicted");
    type("run list_nodes");
    awaitScreen("SchedulingDisabled");
  }

  /**
   * The README's one-command way to try MCP: an agent on this machine (the MCP SDK's own client
   * over Streamable HTTP) proposes, the card shows at the prompt, the shell's approver decides, and
   * the agent sees it done.
   */
  @Test
  void anAgentOnThisMachineProposesOverMcpAndTheShellsApproverDecides() throws Exception {
    start(Map.of(), "--demo", "--mcp-port", "0");
    awaitScreen("valid while this shell runs");
    Matcher where =
        Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/mcp, bearer token (pitcrew-shell-[0-9a-f]+)")
            .matcher(screen());
    assertThat(where.find()).as(screen()).isTrue();
    String token = where.group(2);
    try (McpAgent agent = McpAgent.connect("http://127.0.0.1:" + where.group(1), token)) {
      assertThat(agent.tools())
          .extracting(t -> t.name())
          .contains("scale_deployment", "approval_status");

      String proposed =
          McpAgent.text(
              agent.call(
                  "scale_deployment", Map.of("namespace", "shop", "name", "cart", "replicas", 3)));
      Matcher id = Pattern.compile("apr-[0-9a-f]+").matcher(proposed);
      assertThat(id.find()).as(proposed).isTrue();
      awaitScreen("operator asked via MCP, client shell: scale_deployment");
      awaitScreen("(" + id.group() + ")");

      type("approve " + id.group());
      await()
          .atMost(PATIENCE)
          .until(() -> agent.status(id.group()).startsWith("done: " + id.group()));
    }
  }

  @Test
  void withoutAnAuditFileTheFeedIsMarkedAsAuditNotASecondCopy() throws Exception {
    start(Map.of(), "--demo");
    type("run scale_deployment namespace=shop name=cart replicas=3");
    awaitScreen("Decide apr-");
    type("yes");
    awaitScreen("Done: Scaled deployment shop/cart from 2 to 3");
    await().atMost(PATIENCE).until(() -> screen().contains("audit | "));

    assertThat(screen().lines().filter(l -> l.contains("executed by oncall-lead")))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).startsWith("  audit | "));
    assertThat(screen().lines().filter(l -> l.contains("Scaled deployment shop/cart from 2 to 3")))
        .filteredOn(l -> !l.startsWith("  audit | "))
        .hasSize(1);
  }

  @Test
  void theShellShowsNoCredentialTheDemoClusterHolds() throws Exception {
    start(Map.of(), "--demo");
    awaitScreen("exit to leave.");

    type("run describe namespace=shop kind=Deployment name=checkout");
    awaitScreen("[masked: password]");
    type("run list_pods namespace=shop deployment=checkout");
    awaitScreen("waiting: CrashLoopBackOff");
    java.util.regex.Matcher pod =
        Pattern.compile("checkout-[0-9a-z]+-[0-9a-z]+(?=  Running)").matcher(screen());
    assertThat(pod.find()).as(screen()).isTrue();
    type("run pod_logs namespace=shop name=" + pod.group() + " previous=true");
    awaitScreen("postgres://checkout:[masked: password]@orders-db");

    assertThat(screen())
        .contains("LOG_LEVEL")
        .doesNotContain(dev.pitcrew.bot.demo.Incident.PLANTED_ENV_SECRET)
        .doesNotContain(dev.pitcrew.bot.demo.Incident.PLANTED_LOG_SECRET);
  }

  @Test
  void denyAndLaterLeaveTheClusterAlone() throws Exception {
    start(Map.of(), "--demo");
    awaitScreen("exit to leave.");

    type("run scale_deployment namespace=shop name=cart replicas=4");
    awaitScreen("change: spec.replicas: 2 -> 4");
    type("later");
    awaitScreen("Left pending. Later: approve apr-");
    type("run scale_deployment namespace=shop name=cart replicas=5");
    awaitScreen("change: spec.replicas: 2 -> 5");
    type("no");
    awaitScreen("Denied by oncall-lead: nothing was changed.");
    type("run deployment_status namespace=shop name=cart");
    awaitScreen("deployment shop/cart: 2 desired, 2 ready");
    type("pending");
    awaitScreen("1 approval pending:");
    assertThat(screen()).contains("Scale deployment shop/cart from 2 to 4");
  }

  /** Regression: "aprove", or a whole run line typed at the prompt, counted as "later". */
  @Test
  void theApprovalPromptTakesOnlyItsAnswersAndAsksAgain() throws Exception {
    start(Map.of(), "--demo");
    type("run scale_deployment namespace=shop name=cart replicas=4");
    awaitScreen("Decide apr-");

    type("aprove");
    awaitScreen("Answer approve, deny or later (or approve as NAME).");
    type("run deployment_status namespace=shop name=cart");
    awaitScreen(
        "'run deployment_status namespace=shop name=cart' was not run; decide first, then Ctrl-P"
            + " brings it back.");
    assertThat(count("Decide apr-")).isEqualTo(3);
    assertThat(screen()).doesNotContain("Left pending");

    type("approve");
    awaitScreen("Done: Scaled deployment shop/cart from 2 to 4");
  }

  @Test
  void ctrlCDropsTheLineOrLeavesTheCardPendingButNeverEndsTheShell() throws Exception {
    start(Map.of(), "--demo");
    awaitScreen("exit to leave.");

    keys("run scale_deployment namespace=shop name=cart replicas=4" + CTRL_C);
    type("pending");
    awaitScreen("No approvals are pending.");
    assertThat(screen()).doesNotContain("Approval needed");

    type("run scale_deployment namespace=shop name=cart replicas=4");
    awaitScreen("Decide apr-");
    keys(CTRL_C);
    awaitScreen("Left pending. Later: approve apr-");
    type("pending");
    awaitScreen("1 approval pending:");
    assertThat(exit).isNotDone();
  }

  @Test
  void ctrlDWarnsWhileApprovalsArePendingAndLeavesOnTheSecond() throws Exception {
    start(Map.of(), "--demo");
    type("run scale_deployment namespace=shop name=cart replicas=4");
    awaitScreen("Decide apr-");
    type("later");
    awaitScreen("Left pending.");

    keys(CTRL_D);
    awaitScreen("1 approval is still pending (apr-");
    awaitScreen("Press Ctrl-D again to leave");
    assertThat(exit).isNotDone();

    keys(CTRL_D);
    await().atMost(PATIENCE).until(exit::isDone);
  }

  @Test
  void tabCompletesRunbookNamesAndParameterKeys() throws Exception {
    start(Map.of(), "--demo");
    awaitScreen("exit to leave.");

    keys("run scale_dep\t");
    keys("namespace=shop name=cart repl\t");
    type("4");

    awaitScreen("change: spec.replicas: 2 -> 4");
    type("later");
  }

  @Test
  void ctrlPBringsBackTheLastCommand() throws Exception {
    start(Map.of(), "--demo");
    type("run deployment_status namespace=shop name=cart");
    awaitScreen("deployment shop/cart: 2 desired");

    keys(CTRL_P + "\r");

    await().atMost(PATIENCE).until(() -> count("deployment shop/cart: 2 desired") == 2);
  }

  @Test
  void helpListsEveryCommandAndTyposGetTheNearestName() throws Exception {
    start(Map.of(), "--demo");
    type("help");
    awaitScreen("Ctrl-C clears the line");
    assertThat(screen())
        .contains("approve [apr-ID]")
        .contains("deny [apr-ID]")
        .contains("undo apr-ID")
        .contains("pending ")
        .contains("exit ");

    type("help scale_deployment");
    awaitScreen("Limits: never changes kube-system; at most 10 replicas up or down per approval");
    assertThat(screen()).contains("replicas (required): a whole number, from 0 to 50");

    type("pendng");
    awaitScreen("Unknown command 'pendng'. Did you mean pending?");
    type("scale_deploymnet");
    awaitScreen("Unknown command 'scale_deploymnet'. Did you mean run scale_deployment?");
    type("run scale_deploymnet replicas=3");
    awaitScreen(
        "There is no runbook scale_deploymnet. Did you mean scale_deployment? Type runbooks to"
            + " list them.");
    assertThat(screen()).doesNotContain("/ask");
    type("runbooks");
    awaitScreen("run describe namespace=<string> kind=Deployment|ReplicaSet|StatefulSet|");
  }

  @Test
  void aTerminalThatReportsNoSizeGetsEightyColumns() throws Exception {
    // kubectl exec -it before the size arrives, some CI terminals: 0 columns.
    startSized(new Size(0, 0), Map.of(), "--demo");
    awaitScreen("exit to leave.");

    type("run deployment_status namespace=shop name=checkout");
    awaitScreen("deployment shop/checkout: 3 desired, 0 ready");

    assertThat(terminal.getWidth()).isEqualTo(80);
    assertThat(screen()).contains("pitcrew> ").doesNotContain(">....");
  }

  @Test
  void badCommandsSayWhatIsWrong() throws Exception {
    start(Map.of(), "--demo");
    awaitScreen("exit to leave.");

    type("run scale_deployment namespace=shop name=cart replicas=lots");
    awaitScreen("Cannot run scale_deployment: replicas must be a whole number, got 'lots'");
    type("run scale_deployment namespace=kube-system name=coredns replicas=3");
    awaitScreen("Not proposed: namespace kube-system is protected");
    type("run nuke_cluster");
    awaitScreen("There is no runbook nuke_cluster");
    type("run scale_deployment name=cart");
    awaitScreen("namespace is required; replicas is required");
    // Regression: an unknown command answered "No LLM is configured".
    type("why is checkout down?");
    awaitScreen("Unknown command 'why'.");
    awaitScreen("If that was a question: questions need an LLM, and none is configured");
  }

  @Test
  void withAModelAQuestionIsAnsweredFromTheTools() throws Exception {
    try (ScriptedOpenAi llm = new ScriptedOpenAi()) {
      llm.thenToolCalls(
              "list_pods", "{\"namespace\":\"shop\",\"deployment\":\"checkout\"}",
              "rollout_history", "{\"namespace\":\"shop\",\"name\":\"checkout\"}")
          .thenAnswer("checkout v3 crash-loops; revision 2 (v2) was healthy. Roll back?");
      start(
          Map.of(
              "OPENAI_BASE_URL", llm.baseUrl(), "OPENAI_API_KEY", "sk-test", "PITCREW_MODEL", "m"),
          "--demo");
      awaitScreen("exit to leave.");

      type("why is checkout crashlooping?");

      awaitScreen("checkout v3 crash-loops; revision 2 (v2) was healthy. Roll back?");
      String toolOutput = llm.requests().get(1).path("messages").toString();
      assertThat(toolOutput).contains("CrashLoopBackOff").contains("revision 3 (current)");
      assertThat(screen()).doesNotContain("No LLM configured");
    }
  }

  /** Regression: the shell ignored PITCREW_CONFIG and PITCREW_APPROVAL_EXPIRY. */
  @Test
  void theShellAppliesThePolicyFileAndExpiryLikeSlack(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "approvals:\n  approvers: [lead-two]\n");
    start(
        Map.of("PITCREW_CONFIG", policy.toString(), "PITCREW_APPROVAL_EXPIRY", "PT2M"),
        "--demo",
        "--approver",
        "lead-two");
    awaitScreen("exit to leave.");
    assertThat(screen()).doesNotContain("Warning");

    type("run scale_deployment namespace=shop name=cart replicas=3");
    awaitScreen("who may approve: lead-two");
    Instant expires = Instant.parse(between(screen(), "| expires: ", "\n"));
    assertThat(expires).isBefore(Instant.now().plus(Duration.ofMinutes(2)).plusSeconds(5));
    type("approve");
    awaitScreen("Done: Scaled deployment shop/cart from 2 to 3");
  }

  /**
   * Regression: "approve as NAME" at the prompt lower-cased the name (Slack IDs are upper case).
   */
  @Test
  void aNameTypedAtThePromptKeepsItsCase(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "approvals:\n  approvers: [ULEAD]\n");
    start(Map.of("PITCREW_CONFIG", policy.toString()), "--demo", "--approver", "ULEAD");
    type("run scale_deployment namespace=shop name=cart replicas=3");
    awaitScreen("Decide apr-");

    type("Approve as ULEAD");

    awaitScreen("Done: Scaled deployment shop/cart from 2 to 3");
  }

  @Test
  void anApproverThePolicyDoesNotNameIsWarnedAboutAtStart(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "approvals:\n  approvers: [lead-two]\n");
    start(Map.of("PITCREW_CONFIG", policy.toString()), "--demo");
    awaitScreen(
        "Warning: 'oncall-lead' is not an approver under the policy (approvers: lead-two):"
            + " approvals typed here will be refused.");
  }

  /** Regression: `shell` outside a cluster without KUBECONFIG waited ~20 s per command. */
  @Test
  void noKubeconfigOutsideAClusterIsSaidOnceAtStart() throws Exception {
    start(Map.of(), "--user", "alice", "--approver", "bob");
    awaitScreen("exit to leave.");
    assertThat(count("No KUBECONFIG, no ~/.kube/config, and not inside a cluster")).isEqualTo(1);
  }

  private String correlationIdOf(String lineContaining) {
    for (String line : screen().split("\n")) {
      if (line.contains(lineContaining)) {
        Matcher m = CORRELATION_ID.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    throw new AssertionError("no line with " + lineContaining + " in\n" + screen());
  }

  private static String between(String text, String start, String end) {
    int from = text.lastIndexOf(start) + start.length();
    return text.substring(from, text.indexOf(end, from)).strip();
  }
}
