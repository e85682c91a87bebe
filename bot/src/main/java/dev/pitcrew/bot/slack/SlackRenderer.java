package dev.pitcrew.bot.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.TextObject;
import com.slack.api.model.block.element.BlockElement;
import dev.pitcrew.approvals.ApprovalState;
import dev.pitcrew.bot.core.Card;
import java.util.ArrayList;
import java.util.List;

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
    List<LayoutBlock> blocks = new ArrayList<>();
    for (String part : SlackText.sections(SlackText.escape(text))) {
      blocks.add(section(s -> s.text(markdownText(part))));
    }
    blocks.add(footer(correlationId));
    return blocks;
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

  /**
   * An alert group's thread root: firing or resolved, its name, the labels that say where, the
   * summary and description, when it started, and its links (only http(s) URLs become links). Every
   * string in it is the alert's, so every string is escaped.
   */
  static List<LayoutBlock> alertRoot(
      dev.pitcrew.bot.alerts.AlertGroup group,
      String correlationId,
      java.util.Optional<java.time.Instant> resolvedAt) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(
        header(
            h ->
                h.text(
                    plainText(
                        SlackText.limit(
                            (resolvedAt.isPresent() ? "Resolved: " : "Firing: ") + group.name(),
                            150)))));
    java.util.Map<String, String> labels = new java.util.TreeMap<>(group.labels());
    labels.remove("alertname");
    List<TextObject> fields = new ArrayList<>();
    for (String name : List.of("severity", "namespace", "deployment", "pod", "node", "team")) {
      String value = labels.get(name);
      if (value != null && fields.size() < 8) {
        fields.add(markdownText("*" + name + "*\n" + SlackText.inlineCode(value)));
      }
    }
    fields.add(
        markdownText(
            "*started*\n"
                + date(group.startsAt())
                + (group.alerts().size() > 1 ? " (" + group.alerts().size() + " alerts)" : "")));
    resolvedAt.ifPresent(at -> fields.add(markdownText("*resolved*\n" + date(at))));
    blocks.add(section(s -> s.fields(fields)));
    StringBuilder text = new StringBuilder();
    group
        .annotation("summary")
        .ifPresent(v -> text.append("*").append(SlackText.escape(v)).append("*\n"));
    group.annotation("description").ifPresent(v -> text.append(SlackText.escape(v)).append("\n"));
    if (!text.isEmpty()) {
      blocks.add(section(s -> s.text(markdownText(SlackText.section(text.toString().strip())))));
    }
    String other =
        labels.entrySet().stream()
            .map(e -> SlackText.inlineCode(e.getKey() + "=" + e.getValue()))
            .collect(java.util.stream.Collectors.joining(" "));
    if (!other.isEmpty()) {
      blocks.add(context(List.of(markdownText(SlackText.section("Labels: " + other)))));
    }
    List<String> links = new ArrayList<>();
    link(group.alerts().get(0).generatorUrl(), "Source").ifPresent(links::add);
    group.annotation("runbook_url").flatMap(u -> link(u, "Runbook")).ifPresent(links::add);
    link(group.externalUrl(), "Alertmanager").ifPresent(links::add);
    if (!links.isEmpty()) {
      blocks.add(context(List.of(markdownText(String.join("  ·  ", links)))));
    }
    blocks.add(footer(correlationId));
    return blocks;
  }

  /** A Slack date that shows in the reader's time zone, with the UTC time as fallback. */
  private static String date(java.time.Instant at) {
    return "<!date^" + at.getEpochSecond() + "^{date_short_pretty} {time_secs}|" + at + ">";
  }

  /** {@code <URL|label>} for an http(s) URL with nothing in it that could close the link. */
  static java.util.Optional<String> link(String url, String label) {
    if (url == null || url.isBlank() || url.length() > 2_000) {
      return java.util.Optional.empty();
    }
    try {
      java.net.URI uri = new java.net.URI(url);
      String scheme =
          uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null
          || url.chars().anyMatch(c -> c == '<' || c == '>' || c == '|' || c <= ' ')) {
        return java.util.Optional.empty();
      }
    } catch (java.net.URISyntaxException e) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("<" + url.replace("&", "&amp;") + "|" + label + ">");
  }

  /** The card laid out in Block Kit; every string in it is escaped here. */
  static List<LayoutBlock> approvalCard(Card card) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(header(h -> h.text(plainText(SlackText.limit(card.title(), 150)))));
    blocks.add(
        section(
            s ->
                s.text(
                    markdownText(
                        SlackText.section("*" + SlackText.escape(card.summary()) + "*")))));
    List<TextObject> fields = new ArrayList<>();
    for (Card.Field field : card.fields()) {
      fields.add(markdownText("*" + field.label() + "*\n" + parts(field.value())));
    }
    blocks.add(section(s -> s.fields(fields)));
    blocks.add(
        section(
            s ->
                s.text(
                    markdownText(
                        "*Exact change*\n" + SlackText.code(String.join("\n", card.changes()))))));
    for (String warning : card.warnings()) {
      blocks.add(
          section(
              s ->
                  s.text(
                      markdownText(
                          SlackText.section(":warning: *" + SlackText.escape(warning) + "*")))));
    }
    blocks.add(
        section(s -> s.text(markdownText("*Arguments*\n" + SlackText.code(card.arguments())))));
    if (!card.status().isEmpty()) {
      blocks.add(
          section(
              s ->
                  s.text(
                      markdownText(
                          SlackText.section(icon(card.state()) + " " + parts(card.status()))))));
    }
    List<BlockElement> decisions = new ArrayList<>();
    for (Card.Action action : card.actions()) {
      decisions.add(
          switch (action) {
            case APPROVE ->
                button(
                    b ->
                        b.actionId(APPROVE)
                            .text(plainText("Approve"))
                            .style("primary")
                            .value(card.approvalId()));
            case DENY ->
                button(
                    b ->
                        b.actionId(DENY)
                            .text(plainText("Deny"))
                            .style("danger")
                            .value(card.approvalId()));
            case UNDO ->
                button(b -> b.actionId(UNDO).text(plainText("Undo")).value(card.approvalId()));
          });
    }
    if (!decisions.isEmpty()) {
      blocks.add(
          actions(card.actions().contains(Card.Action.UNDO) ? "undo" : "approval", decisions));
    }
    blocks.add(
        context(
            List.of(
                markdownText(
                    "Correlation ID "
                        + SlackText.inlineCode(card.correlationId())
                        + " · approval "
                        + SlackText.inlineCode(card.approvalId())))));
    return blocks;
  }

  /** Plain-text fallback for notifications and screen readers. */
  static String cardText(Card card) {
    return card.title() + ": " + card.summary() + " [" + card.correlationId() + "]";
  }

  private static String parts(List<Card.Part> parts) {
    StringBuilder out = new StringBuilder();
    for (Card.Part part : parts) {
      if (part instanceof Card.Text t) {
        out.append(SlackText.escape(t.text()));
      } else if (part instanceof Card.User u) {
        out.append(SlackText.mention(u.id()));
      } else if (part instanceof Card.Group g) {
        out.append(SlackText.groupMention(g.id()));
      } else if (part instanceof Card.Time time) {
        out.append("<!date^")
            .append(time.at().getEpochSecond())
            .append("^{date_short_pretty} {time}|")
            .append(time.at())
            .append(">");
      }
    }
    return out.toString();
  }

  private static String icon(ApprovalState state) {
    return switch (state) {
      case PENDING -> "";
      case APPROVED, EXECUTING -> ":hourglass:";
      case SUCCEEDED -> ":white_check_mark:";
      case FAILED -> ":x:";
      case UNKNOWN -> ":grey_question:";
      case DENIED -> ":no_entry:";
      case EXPIRED -> ":alarm_clock:";
      case STALE -> ":warning:";
      case CANCELLED -> ":no_entry_sign:";
    };
  }

  private static LayoutBlock footer(String correlationId) {
    return context(List.of(markdownText("Correlation ID " + SlackText.inlineCode(correlationId))));
  }

  /**
   * Every mrkdwn text Pitcrew sends is verbatim: Slack does not turn bare URLs into links or parse
   * names into mentions in it; the mentions Pitcrew writes itself ({@code <@U123>}) still work.
   */
  private static com.slack.api.model.block.composition.MarkdownTextObject markdownText(
      String text) {
    return com.slack.api.model.block.composition.MarkdownTextObject.builder()
        .text(text)
        .verbatim(true)
        .build();
  }
}
