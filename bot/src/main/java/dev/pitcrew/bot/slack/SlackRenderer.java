package dev.pitcrew.bot.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.TextObject;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.ApprovalRule;
import dev.pitcrew.approvals.ApprovalState;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Block Kit for Pitcrew's messages. The only place that knows Slack's layout. */
public final class SlackRenderer {
  /** Action IDs of the card's buttons; their value is only the approval ID. */
  public static final String APPROVE = "approval_approve";

  public static final String DENY = "approval_deny";

  /** On a card whose change ran and can be undone; value is the original approval ID. */
  public static final String UNDO = "approval_undo";

  private SlackRenderer() {}

  /** A message in a conversation thread, with its correlation ID underneath. */
  static List<LayoutBlock> message(String text, String correlationId) {
    return List.of(
        section(s -> s.text(markdownText(SlackText.section(SlackText.escape(text))))),
        footer(correlationId));
  }

  /** The root message that opens a thread for one request. */
  static List<LayoutBlock> root(String requester, String question, String correlationId) {
    return List.of(
        section(
            s ->
                s.text(
                    markdownText(
                        SlackText.section(
                            SlackText.mention(requester)
                                + " asked:\n>"
                                + SlackText.escape(question).replace("\n", "\n>"))))),
        footer(correlationId));
  }

  static List<LayoutBlock> approvalCard(ApprovalRequest request, ApprovalRule rule) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(header(h -> h.text(plainText(title(request)))));
    blocks.add(
        section(
            s ->
                s.text(
                    markdownText(
                        SlackText.section(
                            "*" + SlackText.escape(request.previewSummary()) + "*")))));
    List<TextObject> fields = new ArrayList<>();
    fields.add(markdownText("*Runbook*\n" + SlackText.inlineCode(request.runbook())));
    fields.add(markdownText("*Requested by*\n" + SlackText.mention(request.requester())));
    fields.add(markdownText("*Who may approve*\n" + approverList(rule, request)));
    fields.add(
        markdownText(
            "*Expires*\n<!date^"
                + request.expiresAt().getEpochSecond()
                + "^{date_short_pretty} {time}|"
                + request.expiresAt()
                + ">"));
    blocks.add(section(s -> s.fields(fields)));
    blocks.add(
        section(
            s ->
                s.text(
                    markdownText(
                        "*Exact change*\n"
                            + SlackText.code(String.join("\n", request.changes()))))));
    blocks.add(
        section(
            s -> s.text(markdownText("*Arguments*\n" + SlackText.code(request.argumentsJson())))));
    if (request.state() == ApprovalState.PENDING) {
      blocks.add(
          actions(
              "approval",
              List.of(
                  button(
                      b ->
                          b.actionId(APPROVE)
                              .text(plainText("Approve"))
                              .style("primary")
                              .value(request.id())),
                  button(
                      b ->
                          b.actionId(DENY)
                              .text(plainText("Deny"))
                              .style("danger")
                              .value(request.id())))));
    } else {
      blocks.add(section(s -> s.text(markdownText(SlackText.section(status(request))))));
    }
    if (request.state() == ApprovalState.SUCCEEDED && request.inverse() != null) {
      blocks.add(
          actions(
              "undo",
              List.of(button(b -> b.actionId(UNDO).text(plainText("Undo")).value(request.id())))));
    }
    blocks.add(
        context(
            List.of(
                markdownText(
                    "Correlation ID "
                        + SlackText.inlineCode(request.correlationId())
                        + " · approval "
                        + SlackText.inlineCode(request.id())))));
    return blocks;
  }

  /** Plain-text fallback for notifications and screen readers. */
  static String cardText(ApprovalRequest request) {
    return title(request) + ": " + request.previewSummary() + " [" + request.correlationId() + "]";
  }

  private static String title(ApprovalRequest request) {
    String prefix =
        switch (request.state()) {
          case PENDING ->
              request.approvals().isEmpty()
                  ? "Approval needed"
                  : "Approval "
                      + (request.approvals().size() + 1)
                      + " of "
                      + request.requiredApprovals()
                      + " needed";
          case APPROVED, EXECUTING -> "Approved, running";
          case SUCCEEDED -> "Done";
          case FAILED -> "Failed";
          case UNKNOWN -> "Outcome unknown";
          case DENIED -> "Denied";
          case EXPIRED -> "Expired";
          case STALE -> "Not run, plan changed";
          case CANCELLED -> "Cancelled";
        };
    return SlackText.limit(prefix + ": " + request.runbook(), 150);
  }

  private static String status(ApprovalRequest request) {
    String by = request.decidedBy() == null ? "" : " by " + SlackText.mention(request.decidedBy());
    return switch (request.state()) {
      case PENDING -> "Waiting for approval.";
      case APPROVED, EXECUTING -> ":hourglass: Approved" + by + "; running now.";
      case SUCCEEDED ->
          ":white_check_mark: Approved" + by + ". " + SlackText.escape(request.result());
      case FAILED -> ":x: Approved" + by + ". " + SlackText.escape(request.result());
      case UNKNOWN ->
          ":grey_question: Approved"
              + by
              + ". Outcome unknown: "
              + SlackText.escape(request.result())
              + " Check the object's state.";
      case DENIED -> ":no_entry: Denied" + by + ". Nothing was changed.";
      case EXPIRED -> ":alarm_clock: Expired before anyone approved it. Nothing was changed.";
      case STALE ->
          ":warning: Approved"
              + by
              + ", but not run: "
              + SlackText.escape(request.result())
              + ". Ask again for a fresh proposal.";
      case CANCELLED ->
          ":no_entry_sign: Cancelled: "
              + SlackText.escape(request.result())
              + ". Nothing was changed.";
    };
  }

  private static String approverList(ApprovalRule rule, ApprovalRequest request) {
    List<String> who = new ArrayList<>();
    rule.approvers().stream()
        .sorted()
        .map(
            id ->
                SlackText.mention(id)
                    + (id.equals(request.requester()) && !rule.allowSelfApproval()
                        ? " (not for own request)"
                        : ""))
        .forEach(who::add);
    rule.groups().stream().sorted().map(SlackText::groupMention).forEach(who::add);
    String list =
        who.isEmpty()
            ? "nobody is configured (PITCREW_APPROVERS or PITCREW_CONFIG)"
            : String.join(", ", who);
    if (request.requiredApprovals() > 1) {
      list +=
          "\n"
              + request.requiredApprovals()
              + " distinct approvals needed"
              + (request.approvals().isEmpty()
                  ? ""
                  : "; so far "
                      + request.approvals().stream()
                          .map(SlackText::mention)
                          .collect(Collectors.joining(", ")));
    }
    return list;
  }

  private static LayoutBlock footer(String correlationId) {
    return context(List.of(markdownText("Correlation ID " + SlackText.inlineCode(correlationId))));
  }
}
