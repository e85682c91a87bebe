package dev.pitcrew.bot.core;

/** Answers a question, calling tools as it goes. The LLM agent is one. */
@FunctionalInterface
public interface Assistant {

  /**
   * @throws AssistantUnavailableException when the model cannot be reached or keeps failing
   */
  String answer(Ask ask, String question);

  /**
   * A change proposed in this conversation finished: let the assistant summarize it and suggest the
   * next step, if it remembers the conversation.
   */
  default java.util.Optional<String> afterChange(Ask ask, String summary) {
    return java.util.Optional.empty();
  }
}
