package dev.pitcrew.bot.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.AssistantUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent loop with the real OpenAI SDK against a scripted OpenAI-compatible server. The server
 * does not interpret the conversation: each test scripts what the model says, including the
 * mistakes real models make.
 */
class AgentTest {
  private static final Ask ASK = new Ask("pc-0123456789ab", "UREQ", "C1", "1.1");

  private AgentHarness h;

  private AgentHarness harness(Agent.Limits limits) throws Exception {
    h = new AgentHarness(limits);
    return h;
  }

  private static Agent.Limits limits() {
    return Agent.Limits.defaults();
  }

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void readOnlyCallsOfOneTurnRunConcurrentlyAndAnswerInOrder() throws Exception {
    harness(limits());
    // Each probe waits for all four at a barrier: run one after another, none could pass it.
    CyclicBarrier together = new CyclicBarrier(4);
    for (AgentHarness.Probe p : List.of(h.probe1, h.probe2, h.probe3, h.probe4)) {
      p.answer =
          args -> {
            try {
              together.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
              return "never met the others";
            }
            return "answer of " + p.name;
          };
    }
    h.llm
        .thenToolCalls("probe1", "{}", "probe2", "{}", "probe3", "{}", "probe4", "{}")
        .thenAnswer("all four answered");

    assertThat(h.agent.answer(ASK, "check everything")).isEqualTo("all four answered");

    List<JsonNode> results = h.toolMessages(1);
    assertThat(results)
        .extracting(m -> m.path("tool_call_id").asText())
        .containsExactly("call_1", "call_2", "call_3", "call_4");
    for (int i = 0; i < 4; i++) {
      assertThat(results.get(i).path("content").asText())
          .contains("answer of probe" + (i + 1))
          .contains("trust=\"untrusted\"");
    }
  }

  @Test
  void aHangingToolTimesOutAndTheOthersStillAnswer() throws Exception {
    harness(new Agent.Limits(8, 8, 60_000, Duration.ofMinutes(1), Duration.ofMillis(200), 6));
    CountDownLatch never = new CountDownLatch(1);
    h.probe1.answer =
        args -> {
          try {
            never.await(); // released by the agent's cancel (an interrupt)
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return "late";
        };
    h.llm.thenToolCalls("probe1", "{}", "probe2", "{}").thenAnswer("done");

    h.agent.answer(ASK, "check");

    List<JsonNode> results = h.toolMessages(1);
    assertThat(results.get(0).path("content").asText())
        .isEqualTo("ERROR: probe1 did not answer within 200 ms; its result is unknown.");
    assertThat(results.get(1).path("content").asText()).contains("ok");
  }

  @Test
  void iterationBudgetEndsTheTurnSayingSo() throws Exception {
    harness(new Agent.Limits(2, 8, 60_000, Duration.ofMinutes(1), Duration.ofSeconds(5), 6));
    h.llm.thenToolCalls("probe1", "{}").thenToolCalls("probe1", "{}").thenToolCalls("probe1", "{}");

    assertThat(h.agent.answer(ASK, "loop forever"))
        .startsWith("I stopped after 2 rounds of tool calls")
        .doesNotContain("pc-0123456789ab"); // the surface shows it, once
    assertThat(h.llm.requests()).hasSize(2);
    assertThat(h.metrics.scrape())
        .contains("pitcrew_agent_limit_hits_total{limit=\"iterations\"} 1.0");
  }

  @Test
  void tooManyToolCallsInOneTurnRunNothing() throws Exception {
    harness(new Agent.Limits(8, 3, 60_000, Duration.ofMinutes(1), Duration.ofSeconds(5), 6));
    h.llm.thenToolCalls("probe1", "{}", "probe2", "{}", "probe3", "{}", "probe4", "{}");

    assertThat(h.agent.answer(ASK, "everything at once"))
        .startsWith(
            "I stopped: the model asked for 4 tool calls at once; the limit is 3 per turn.");
    assertThat(
            h.probe1.calls.get()
                + h.probe2.calls.get()
                + h.probe3.calls.get()
                + h.probe4.calls.get())
        .isZero();
  }

  @Test
  void tokenBudgetEndsTheTurnSayingSo() throws Exception {
    harness(new Agent.Limits(8, 8, 1_000, Duration.ofMinutes(1), Duration.ofSeconds(5), 6));
    h.llm.thenMessage(
        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"probe1\",\"arguments\":\"{}\"}}]}",
        5_000);

    assertThat(h.agent.answer(ASK, "expensive"))
        .startsWith("I stopped: this question used 5000 tokens, over the budget of 1000");
  }

  @Test
  void wallClockBudgetEndsTheTurnSayingSo() throws Exception {
    harness(new Agent.Limits(8, 8, 60_000, Duration.ofMillis(300), Duration.ofSeconds(5), 6));
    CountDownLatch never = new CountDownLatch(1);
    h.probe1.answer =
        args -> {
          try {
            never.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return "late";
        };
    h.llm.thenToolCalls("probe1", "{}").thenAnswer("too late to matter");

    assertThat(h.agent.answer(ASK, "slow"))
        .startsWith(
            "I stopped: this question took longer than 300 ms, the time limit per question.");
  }

  @Test
  void badToolCallsComeBackAsErrorsAndAreCounted() throws Exception {
    harness(limits());
    h.llm
        .thenMessage(
            "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
                + "{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"drop_tables\",\"arguments\":\"{}\"}},"
                + "{\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"probe1\",\"arguments\":\"{n: 1\"}},"
                + "{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"probe1\",\"arguments\":\"{\\\"n\\\":\\\"one\\\"}\"}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"probe2\",\"arguments\":\"{}\"}}]}",
            200)
        .thenAnswer("sorry");

    assertThat(h.agent.answer(ASK, "do things")).isEqualTo("sorry");

    List<JsonNode> results = h.toolMessages(1);
    assertThat(results)
        .extracting(m -> m.path("tool_call_id").asText())
        .containsExactly("a", "b", "c", "pitcrew_missing_id_4");
    assertThat(results.get(0).path("content").asText())
        .startsWith("ERROR: unknown tool 'drop_tables'");
    assertThat(results.get(1).path("content").asText())
        .startsWith("ERROR: arguments for probe1 are not valid JSON");
    assertThat(results.get(2).path("content").asText())
        .startsWith("ERROR: arguments for probe1 are not valid: ");
    assertThat(results.get(3).path("content").asText())
        .isEqualTo("ERROR: tool call for probe2 had no id, so it was not run; call it again");
    assertThat(h.probe2.calls).hasValue(0);
    // The assistant message sent back carries the ID Pitcrew gave the call.
    assertThat(h.llm.requests().get(1).path("messages").toString())
        .contains("pitcrew_missing_id_4");
    String metrics = h.metrics.scrape();
    assertThat(metrics)
        .contains("pitcrew_tool_argument_errors_total{reason=\"unknown_tool\"} 1.0")
        .contains("pitcrew_tool_argument_errors_total{reason=\"invalid_json\"} 1.0")
        .contains("pitcrew_tool_argument_errors_total{reason=\"schema\"} 1.0")
        .contains("pitcrew_tool_argument_errors_total{reason=\"missing_id\"} 1.0");
    assertThat(h.audit).filteredOn(e -> e.type().name().equals("TOOL_REJECTED")).hasSize(4);
  }

  @Test
  void mutatingCallsBecomeApprovalRequestsNotChanges() throws Exception {
    harness(limits());
    h.llm
        .thenToolCalls(
            "lever",
            "{\"namespace\":\"shop\",\"to\":5}",
            "lever",
            "{\"namespace\":\"shop\",\"to\":6}")
        .thenAnswer("two approvals requested");

    h.agent.answer(ASK, "pull");

    assertThat(h.surface.cards).hasSize(2);
    assertThat(h.lever.executions).hasValue(0);
    assertThat(h.toolMessages(1))
        .allSatisfy(m -> assertThat(m.path("content").asText()).startsWith("Approval requested"));
    assertThat(h.metrics.scrape())
        .contains("pitcrew_approvals_requested_total{runbook=\"lever\"} 2.0");
  }

  @Test
  void aFollowUpInTheThreadCarriesTheConversation() throws Exception {
    harness(limits());
    h.llm.thenToolCalls("probe1", "{}").thenAnswer("probe1 says ok").thenAnswer("still ok");

    h.agent.answer(ASK, "how is probe1?");
    h.agent.answer(ASK, "and now?");

    String second = h.llm.requests().get(2).path("messages").toString();
    assertThat(second).contains("how is probe1?").contains("probe1 says ok").contains("and now?");
    String otherThread = "";
    h.llm.thenAnswer("fresh");
    h.agent.answer(new Ask("pc-1", "UREQ", "C1", "9.9"), "new thread");
    otherThread = h.llm.requests().get(3).path("messages").toString();
    assertThat(otherThread).doesNotContain("how is probe1?");
  }

  @Test
  void afterAnApprovedChangeTheModelSummarizes() throws Exception {
    harness(limits());
    h.llm
        .thenToolCalls("lever", "{\"namespace\":\"shop\",\"to\":5}")
        .thenAnswer("waiting for approval")
        .thenAnswer("The lever is at 5 now; watch the error rate for ten minutes.");
    h.agent.answer(ASK, "pull to 5");

    var summary =
        h.agent.afterChange(ASK, "The approved change \"pull the lever to 5\" was made: pulled.");

    assertThat(summary).contains("The lever is at 5 now; watch the error rate for ten minutes.");
    assertThat(h.llm.requests().get(2).path("messages").toString())
        .contains("Automatic update from Pitcrew")
        .contains("pull to 5");
    assertThat(h.agent.afterChange(new Ask("pc-2", "U", "C1", "unknown-thread"), "x")).isEmpty();
  }

  @Test
  void afterRepeatedFailuresTheEndpointIsLeftAloneForAWhile() throws Exception {
    harness(limits());
    h.llm.thenFail(500, 9); // three questions, each tried three times by the SDK

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> h.agent.answer(ASK, "hello"))
          .isInstanceOf(AssistantUnavailableException.class)
          .hasMessageContaining("HTTP 500");
    }
    int sent = h.llm.requests().size();
    assertThatThrownBy(() -> h.agent.answer(ASK, "hello again"))
        .hasMessageContaining("failed 3 times in a row; Pitcrew will not call it again before");
    assertThat(h.llm.requests()).hasSize(sent);
  }

  @Test
  void toolsWithEmptyContentAndNoParallelSupportStillWork() throws Exception {
    // Some servers (vLLM presets, Ollama) send one call per turn, with "" content.
    harness(limits());
    h.llm
        .thenMessage(
            "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"x1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"probe1\",\"arguments\":\"\"}}]}",
            100)
        .thenToolCalls("probe2", "{}")
        .thenAnswer("both fine");

    assertThat(h.agent.answer(ASK, "check")).isEqualTo("both fine");
    assertThat(h.probe1.calls).hasValue(1);
    assertThat(h.probe2.calls).hasValue(1);
  }
}
