package dev.pitcrew.bot.agent;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What was said in each thread, so a follow-up continues the conversation. Kept as whole turns (a
 * question with every tool call and result it led to), so trimming never separates a tool result
 * from its call; bounded in turns per thread and in threads.
 */
final class ConversationMemory {
  private final int maxTurns;
  private final Cache<String, Deque<List<ChatCompletionMessageParam>>> threads;

  ConversationMemory(int maxTurns, int maxThreads, Duration idle) {
    this.maxTurns = maxTurns;
    this.threads = Caffeine.newBuilder().maximumSize(maxThreads).expireAfterAccess(idle).build();
  }

  /** Earlier turns of this thread, oldest first; empty for a new thread. */
  List<ChatCompletionMessageParam> history(String thread) {
    Deque<List<ChatCompletionMessageParam>> turns = threads.getIfPresent(thread);
    List<ChatCompletionMessageParam> all = new ArrayList<>();
    if (turns != null) {
      synchronized (turns) {
        turns.forEach(all::addAll);
      }
    }
    return all;
  }

  boolean knows(String thread) {
    return threads.getIfPresent(thread) != null;
  }

  void remember(String thread, List<ChatCompletionMessageParam> turn) {
    Deque<List<ChatCompletionMessageParam>> turns = threads.get(thread, k -> new ArrayDeque<>());
    synchronized (turns) {
      turns.addLast(List.copyOf(turn));
      while (turns.size() > maxTurns) {
        turns.removeFirst();
      }
    }
  }
}
