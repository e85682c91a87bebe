package dev.pitcrew.bot.slack;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Escaping for Slack mrkdwn. Slack turns {@code <!channel>}, {@code <@U123>} and {@code
 * <https://x|label>} into pings and links only through the control characters {@code & < >}, so
 * escaping them makes any untrusted text inert.
 */
public final class SlackText {
  private static final Pattern MENTION = Pattern.compile("<@[A-Z0-9]+>");
  private static final Pattern USER_ID = Pattern.compile("^[A-Z0-9_]+$");
  private static final int MAX_SECTION = 2_900; // Slack rejects section text over 3000 chars

  private SlackText() {}

  /** Untrusted text (cluster output, model text, user input) as plain mrkdwn. */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** What a person or Pitcrew wrote, from Slack's escaped text. */
  static String unescape(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }

  /** A message's text without the {@code <@U123>} mentions in it (of Pitcrew, to begin with). */
  static String withoutMentions(String text) {
    return text == null ? "" : MENTION.matcher(text).replaceAll("").strip();
  }

  /** Untrusted text in a code block it cannot close early. */
  public static String code(String text) {
    String escaped = escape(text).replace("```", "`\u200b`\u200b`");
    return "```" + limit(escaped, MAX_SECTION - 6) + "```";
  }

  /** Untrusted text as inline code. */
  public static String inlineCode(String text) {
    return "`" + escape(text).replace("`", "'") + "`";
  }

  /** A mention of a user ID, or the ID as code if it does not look like one. */
  public static String mention(String userId) {
    if (userId != null && USER_ID.matcher(userId).matches()) {
      return "<@" + userId + ">";
    }
    return inlineCode(String.valueOf(userId));
  }

  /** A mention of a user group (it notifies the group), or the ID as code if malformed. */
  public static String groupMention(String groupId) {
    if (groupId != null && USER_ID.matcher(groupId).matches()) {
      return "<!subteam^" + groupId + ">";
    }
    return inlineCode(String.valueOf(groupId));
  }

  /** Cuts text to Slack's limit for one section, saying so. */
  public static String limit(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    String marker = "… [cut]";
    return text.substring(0, max - marker.length()) + marker;
  }

  /** A long message's sections: at most this many, the rest cut. Slack allows 50 blocks. */
  static final int MAX_SECTIONS = 12;

  /**
   * Text too long for one section, split between lines into as many as it needs (a line too long
   * for one is split where it must), up to {@link #MAX_SECTIONS}; only what is beyond those is cut,
   * saying so.
   */
  static List<String> sections(String mrkdwn) {
    List<String> sections = new java.util.ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : mrkdwn.split("\n", -1)) {
      String rest = line;
      while (current.length() + rest.length() + 1 > MAX_SECTION) {
        if (!current.isEmpty()) {
          sections.add(current.toString());
          current.setLength(0);
        } else {
          sections.add(rest.substring(0, MAX_SECTION));
          rest = rest.substring(MAX_SECTION);
        }
      }
      if (!current.isEmpty()) {
        current.append('\n');
      }
      current.append(rest);
    }
    if (!current.isEmpty() || sections.isEmpty()) {
      sections.add(current.toString());
    }
    if (sections.size() > MAX_SECTIONS) {
      List<String> kept = new java.util.ArrayList<>(sections.subList(0, MAX_SECTIONS));
      kept.set(
          MAX_SECTIONS - 1, limit(kept.get(MAX_SECTIONS - 1) + "\n…", MAX_SECTION - 8) + " [cut]");
      return kept;
    }
    return sections;
  }

  static String section(String mrkdwn) {
    return limit(mrkdwn, MAX_SECTION);
  }
}
