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
   * Shows {@code card} in the conversation of {@code request}.
   *
   * @return a reference to the card, used to update it later
   * @throws SurfaceException if it could not be shown
   */
  String showApprovalCard(ApprovalRequest request, Card card);

  /** Redraws the request's card ({@code request.card()}) as {@code card}. */
  void updateApprovalCard(ApprovalRequest request, Card card);

  /** Tells one user something only they see. */
  void tell(String channel, String user, String text);
}
