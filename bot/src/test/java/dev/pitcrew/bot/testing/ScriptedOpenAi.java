package dev.pitcrew.bot.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An OpenAI-compatible chat-completions server that answers from a script, in order, and records
 * each request. It does not interpret the conversation: a test scripts what the model "says".
 */
public final class ScriptedOpenAi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConcurrentLinkedQueue<RecordingHttpServer.Answer> script =
      new ConcurrentLinkedQueue<>();
  private final RecordingHttpServer server;

  /** When set, answers every request instead of the script: a model that reads the conversation. */
  private volatile java.util.function.Function<JsonNode, ObjectNode> model;

  public ScriptedOpenAi() throws IOException {
    this(java.time.Duration.ZERO);
  }

  /**
   * A server that takes {@code latency} to answer each request, like a model generating: for the
   * benchmark, never for tests (tests wait with Awaitility).
   */
  public ScriptedOpenAi(java.time.Duration latency) throws IOException {
    server =
        new RecordingHttpServer(
            r -> {
              java.util.function.Function<JsonNode, ObjectNode> m = model;
              if (m != null) {
                ObjectNode message;
                try {
                  message = m.apply(JSON.readTree(r.body()));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
                return completion(message, message.has("tool_calls") ? "tool_calls" : "stop", 120);
              }
              RecordingHttpServer.Answer next = script.poll();
              return next != null
                  ? next
                  : new RecordingHttpServer.Answer(
                      500, "{\"error\":{\"message\":\"script exhausted\",\"type\":\"test\"}}");
            },
            latency);
  }

  /** For OPENAI_BASE_URL. */
  public String baseUrl() {
    return server.url() + "/v1";
  }

  /**
   * Answers every request with what {@code model} makes of it (the request's JSON) instead of the
   * script: an assistant message, such as {@link #toolCallsMessage} or {@link #answerMessage}.
   */
  public ScriptedOpenAi answering(java.util.function.Function<JsonNode, ObjectNode> model) {
    this.model = model;
    return this;
  }

  /** An assistant message calling these tools: pairs of (name, arguments JSON). */
  public static ObjectNode toolCallsMessage(String... nameThenArguments) {
    ObjectNode message = JSON.createObjectNode().put("role", "assistant");
    message.putNull("content");
    ArrayNode calls = message.putArray("tool_calls");
    for (int i = 0; i < nameThenArguments.length; i += 2) {
      ObjectNode call = calls.addObject().put("id", "call_" + (i / 2 + 1)).put("type", "function");
      call.putObject("function")
          .put("name", nameThenArguments[i])
          .put("arguments", nameThenArguments[i + 1]);
    }
    return message;
  }

  /** An assistant message with final text. */
  public static ObjectNode answerMessage(String text) {
    return JSON.createObjectNode().put("role", "assistant").put("content", text);
  }

  /** The next answer is these tool calls: pairs of (name, arguments JSON). */
  public ScriptedOpenAi thenToolCalls(String... nameThenArguments) {
    return then(toolCallsMessage(nameThenArguments), "tool_calls");
  }

  /** The next answer is final text. */
  public ScriptedOpenAi thenAnswer(String text) {
    return then(answerMessage(text), "stop");
  }

  /** The next {@code times} requests fail with this HTTP status. */
  public ScriptedOpenAi thenFail(int status, int times) {
    for (int i = 0; i < times; i++) {
      script.add(
          new RecordingHttpServer.Answer(
              status, "{\"error\":{\"message\":\"scripted failure\",\"type\":\"server_error\"}}"));
    }
    return this;
  }

  /** The next answer is this assistant message (JSON), reporting {@code totalTokens} used. */
  public ScriptedOpenAi thenMessage(String messageJson, long totalTokens) {
    try {
      return then((ObjectNode) JSON.readTree(messageJson), "tool_calls", totalTokens);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ScriptedOpenAi then(ObjectNode message, String finishReason) {
    return then(message, finishReason, 120);
  }

  private ScriptedOpenAi then(ObjectNode message, String finishReason, long totalTokens) {
    script.add(completion(message, finishReason, totalTokens));
    return this;
  }

  private static RecordingHttpServer.Answer completion(
      ObjectNode message, String finishReason, long totalTokens) {
    ObjectNode completion =
        JSON.createObjectNode()
            .put("id", "chatcmpl-test")
            .put("object", "chat.completion")
            .put("created", 1_700_000_000L)
            .put("model", "test-model");
    completion
        .putArray("choices")
        .addObject()
        .put("index", 0)
        .put("finish_reason", finishReason)
        .set("message", message);
    completion
        .putObject("usage")
        .put("prompt_tokens", totalTokens - 20)
        .put("completion_tokens", 20)
        .put("total_tokens", totalTokens);
    return new RecordingHttpServer.Answer(200, completion.toString());
  }

  /** The chat-completion requests received, parsed. */
  public List<JsonNode> requests() {
    return server.received().stream()
        .map(
            r -> {
              try {
                return JSON.readTree(r.body());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .toList();
  }

  @Override
  public void close() {
    server.close();
  }
}
