package dev.pitcrew.bot.agent;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.util.Optional;

/**
 * An optional second opinion on the facts: a judge model is told what is really broken and asked,
 * yes or no, whether the answer says so. Binary, as HolmesGPT's evals do; the deterministic checks
 * still apply, and the judge can only fail a run, never pass one. Here, beside the agent, because
 * only this module speaks to the model's SDK; {@code pitcrew eval} (the demo module) uses it.
 */
public final class Judge implements AutoCloseable {
  private static final String SYSTEM =
      "You grade the diagnosis of an on-call assistant for Kubernetes. You are told what is"
          + " really broken. Reply with exactly one word: PASS if the answer identifies that"
          + " cause, FAIL if it does not or is unsure.";

  private final OpenAIClient client;
  private final String model;

  public Judge(OpenAIClient client, String model) {
    this.client = client;
    this.model = model;
  }

  @Override
  public void close() {
    client.close();
  }

  /**
   * Why the judge failed {@code answer}, or empty when it passed it.
   *
   * @param broken what is really broken
   * @param question what the assistant was asked
   */
  public Optional<String> fails(String broken, String question, String answer) {
    String verdict;
    try {
      verdict =
          client
              .chat()
              .completions()
              .create(
                  ChatCompletionCreateParams.builder()
                      .model(model)
                      .addSystemMessage(SYSTEM)
                      .addUserMessage(
                          "What is really broken: "
                              + broken
                              + "\nQuestion asked: "
                              + question
                              + "\nThe assistant's answer, between the markers:\n<<<\n"
                              + answer
                              + "\n>>>\nPASS or FAIL?")
                      .build())
              .choices()
              .get(0)
              .message()
              .content()
              .orElse("")
              .strip();
    } catch (RuntimeException e) {
      return Optional.of("judge: the judge model could not be asked (" + e.getMessage() + ")");
    }
    if (verdict.toUpperCase(java.util.Locale.ROOT).startsWith("PASS")) {
      return Optional.empty();
    }
    return Optional.of(
        "judge: "
            + model
            + " says the answer misses the cause"
            + (verdict.toUpperCase(java.util.Locale.ROOT).startsWith("FAIL")
                ? ""
                : " (it answered '" + verdict.lines().findFirst().orElse("") + "')"));
  }
}
