package dev.pitcrew.bot.core;

import dev.pitcrew.approvals.ApprovalRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A surface that records what the conversation shows instead of showing it: for the eval, and for
 * tests that need no chat platform.
 */
public final class RecordingSurface implements Surface {
  public final List<String> said = new CopyOnWriteArrayList<>();
  public final List<ApprovalRequest> cards = new CopyOnWriteArrayList<>();

  @Override
  public void say(Ask ask, String text) {
    said.add(text);
  }

  @Override
  public String showApprovalCard(ApprovalRequest request, Card card) {
    cards.add(request);
    return "card-" + cards.size();
  }

  @Override
  public void updateApprovalCard(ApprovalRequest request, Card card) {}

  @Override
  public void tell(String channel, String user, String text) {
    said.add("(to " + user + ") " + text);
  }
}
