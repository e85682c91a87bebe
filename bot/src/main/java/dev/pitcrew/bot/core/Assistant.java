package dev.pitcrew.bot.core;

import java.util.Optional;

/** Answers a question, calling tools as it goes. The LLM agent is one. */
public interface Assistant {

  /**
   * @param earlier the thread as it durably stands before this question; empty when the surface
   *     keeps no thread beyond the process (the terminal), and the assistant then remembers the
   *     conversation itself
   * @throws AssistantUnavailableException when the model cannot be reached or keeps failing
   */
  String answer(Ask ask, String question, Optional<Transcript> earlier);

  /** A question on a surface that keeps no durable thread. */
  default String answer(Ask ask, String question) {
    return answer(ask, question, Optional.empty());
  }

  /**
   * A change proposed in this conversation finished: the assistant summarizes it and suggests the
   * next step, if the model took part in the conversation.
   *
   * @param thread the thread as it durably stands, as for {@link #answer}
   */
  default Optional<String> afterChange(Ask ask, String summary, Optional<Transcript> thread) {
    return Optional.empty();
  }

  /** A change finished in a conversation on a surface that keeps no durable thread. */
  default Optional<String> afterChange(Ask ask, String summary) {
    return afterChange(ask, summary, Optional.empty());
  }
}
