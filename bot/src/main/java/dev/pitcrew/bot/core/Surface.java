package dev.pitcrew.bot.core;

import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalRule;

/**
 * Where a conversation is shown: Slack, or a terminal. Implementations escape every string they are
 * given; callers pass raw text, including untrusted cluster output and model text.
 */
public interface Surface {

  /** Posts a message in the conversation's thread, marked with its correlation ID. */
  void say(Ask ask, String text);

  /**
   * Shows an approval card with Approve and Deny, and who may approve under {@code rule}.
   *
   * @return a reference to the card, used to update it later
   */
  String showApprovalCard(ApprovalRequest request, ApprovalRule rule);

  /** Redraws the card for the request's current state (decided cards lose their buttons). */
  void updateApprovalCard(ApprovalRequest request, ApprovalRule rule);

  /** Tells one user something only they see. */
  void tell(String channel, String user, String text);
}
