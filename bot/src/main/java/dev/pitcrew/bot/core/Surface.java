package dev.pitcrew.bot.core;

import dev.pitcrew.approvals.ApprovalRequest;

/**
 * Where a conversation is shown: Slack, or a terminal. Implementations escape every string they are
 * given; callers pass raw text, including untrusted cluster output and model text.
 */
public interface Surface {

  /** Posts a message in the conversation's thread, marked with its correlation ID. */
  void say(Ask ask, String text);

  /**
   * Posts a message and records whose words it is, for whoever reads the thread back: the model's
   * answer, cluster output, or Pitcrew's own words (what {@link #say(Ask, String)} posts).
   */
  default void say(Ask ask, Transcript.Voice voice, String text) {
    say(ask, text);
  }

  /**
   * The thread as it durably stands, messages from {@code before} (a message timestamp) on left
   * out, or empty when this surface keeps no thread beyond the process (the terminal) or the thread
   * cannot be read now. Reads the network: never on an acknowledgement path.
   *
   * @param before null for the whole thread
   */
  default java.util.Optional<Transcript> transcript(String channel, String thread, String before) {
    return java.util.Optional.empty();
  }

  /**
   * Shows {@code card} in the conversation of {@code request}.
   *
   * @return a reference to the card, used to update it later
   * @throws SurfaceException if it could not be shown
   */
  String showApprovalCard(ApprovalRequest request, Card card);

  /** Redraws the request's card ({@code request.card()}) as {@code card}. */
  void updateApprovalCard(ApprovalRequest request, Card card);

  /**
   * What a person types before a command here, for texts that name one: {@code /ask } in Slack
   * ({@code /ask runbooks}), nothing in the terminal ({@code runbooks}).
   */
  default String commandPrefix() {
    return "";
  }

  /** Tells one user something only they see. */
  void tell(String channel, String user, String text);
}
