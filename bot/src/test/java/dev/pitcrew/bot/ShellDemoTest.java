package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, driven through its input and output streams: the shell on the
 * embedded demo cluster, as a person would use it.
 */
class ShellDemoTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Pattern CORRELATION_ID = Pattern.compile("\\[(pc-[0-9a-f]{12})\\]");

  private final PipedOutputStream keyboard = new PipedOutputStream();
  private final SyncBuffer screen = new SyncBuffer();
  private final SyncBuffer errors = new SyncBuffer();
  private CompletableFuture<Integer> exit;

  /** A byte buffer that can be read while the shell writes to it. */
  static final class SyncBuffer extends ByteArrayOutputStream {
    @Override
    public synchronized String toString() {
      return toString(StandardCharsets.UTF_8);
    }
  }

  private void start(Map<String, String> env, String... args) throws IOException {
    PipedInputStream in = new PipedInputStream(keyboard, 1 << 16);
    PrintStream out = new PrintStream(screen, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(errors, true, StandardCharsets.UTF_8);
    exit = CompletableFuture.supplyAsync(() -> ShellMain.run(List.of(args), env, in, out, err));
  }

  private void type(String line) throws IOException {
    keyboard.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    keyboard.flush();
  }

  private void awaitScreen(String text) {
    await().atMost(PATIENCE).until(() -> screen.toString().contains(text));
  }

  @AfterEach
  void quit() throws Exception {
    type("exit");
    keyboard.close();
    assertThat(exit.get()).isZero();
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
    String approval = between(screen.toString(), "Decide ", ":");
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

  @Test
  void denyAndLaterLeaveTheClusterAlone() throws Exception {
    start(Map.of(), "--demo");
    awaitScreen("Type exit to leave.");

    type("run scale_deployment namespace=shop name=cart replicas=4");
    awaitScreen("change: spec.replicas: 2 -> 4");
    type("later");
    awaitScreen("Left pending. Later: approve apr-");
    type("run scale_deployment namespace=shop name=cart replicas=5");
    awaitScreen("change: spec.replicas: 2 -> 5");
    type("no");
    awaitScreen("Denied by oncall-lead. Nothing was changed.");
    type("run deployment_status namespace=shop name=cart");
    awaitScreen("deployment shop/cart: 2 desired, 2 ready");
  }

  @Test
  void badCommandsSayWhatIsWrong() throws Exception {
    start(Map.of(), "--demo");
    awaitScreen("Type exit to leave.");

    type("run scale_deployment namespace=shop name=cart replicas=lots");
    awaitScreen("Cannot run scale_deployment: replicas must be a whole number, got 'lots'");
    type("run scale_deployment namespace=kube-system name=coredns replicas=3");
    awaitScreen("Not proposed: namespace kube-system is protected");
    type("run nuke_cluster");
    awaitScreen("There is no runbook nuke_cluster");
    type("why is checkout down?");
    awaitScreen("No LLM is configured");
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
      awaitScreen("Type exit to leave.");

      type("why is checkout crashlooping?");

      awaitScreen("checkout v3 crash-loops; revision 2 (v2) was healthy. Roll back?");
      String toolOutput = llm.requests().get(1).path("messages").toString();
      assertThat(toolOutput).contains("CrashLoopBackOff").contains("revision 3 (current)");
      assertThat(screen.toString()).doesNotContain("No LLM configured");
    }
  }

  private String correlationIdOf(String lineContaining) {
    for (String line : screen.toString().split("\n")) {
      if (line.contains(lineContaining)) {
        Matcher m = CORRELATION_ID.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    throw new AssertionError("no line with " + lineContaining + " in\n" + screen);
  }

  private static String between(String text, String start, String end) {
    int from = text.lastIndexOf(start) + start.length();
    return text.substring(from, text.indexOf(end, from)).strip();
  }
}
