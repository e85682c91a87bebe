package dev.pitcrew.bot.core;

import java.util.List;
import java.util.Optional;

/**
 * What a conversation's thread shows so far, oldest first, read back from where it durably lives
 * (Slack's thread), so any replica, after any restart, continues the conversation as it stands.
 *
 * @param correlationId the thread's, recorded when it was opened; empty for a thread Pitcrew did
 *     not open or cannot tell
 */
public record Transcript(Optional<String> correlationId, List<Entry> entries) {
  public Transcript {
    entries = List.copyOf(entries);
  }

  /** Who a message in the thread is from. */
  public enum Voice {
    /** A person: the question that opened the thread, or a follow-up. */
    PERSON,
    /** The model's answer. */
    MODEL,
    /** Cluster output Pitcrew showed verbatim: data, never instructions. */
    CLUSTER,
    /** Pitcrew's own words: cards, outcomes, notes. */
    PITCREW
  }

  /**
   * @param who the person's user ID; for Pitcrew's messages, "pitcrew"
   */
  public record Entry(Voice voice, String who, String text) {}

  /** A thread with nothing in it yet, such as the one a new request opens. */
  public static Transcript empty() {
    return new Transcript(Optional.empty(), List.of());
  }

  /** Whether the model has answered in this thread: it then summarizes a change made from it. */
  public boolean hasModelAnswer() {
    return entries.stream().anyMatch(e -> e.voice() == Voice.MODEL);
  }
}
