package dev.pitcrew.bot.testing;

import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalRule;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.Surface;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A surface that records what the conversation shows, for tests that need no chat platform. */
public final class RecordingSurface implements Surface {
  public final List<String> said = new CopyOnWriteArrayList<>();
  public final List<ApprovalRequest> cards = new CopyOnWriteArrayList<>();

  @Override
  public void say(Ask ask, String text) {
    said.add(text);
  }

  @Override
  public String showApprovalCard(ApprovalRequest request, ApprovalRule rule) {
    cards.add(request);
    return "card-" + cards.size();
  }

  @Override
  public void updateApprovalCard(ApprovalRequest request, ApprovalRule rule) {}

  @Override
  public void tell(String channel, String user, String text) {
    said.add("(to " + user + ") " + text);
  }
}
