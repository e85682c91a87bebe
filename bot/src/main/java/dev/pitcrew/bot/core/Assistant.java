package dev.pitcrew.bot.core;

/** Answers a question, calling tools as it goes. The LLM agent is one. */
@FunctionalInterface
public interface Assistant {

  /**
   * @throws AssistantUnavailableException when the model cannot be reached or keeps failing
   */
  String answer(Ask ask, String question);
}
