package dev.pitcrew.bot.core;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * One operator request and where its conversation lives.
 *
 * @param channel a Slack channel ID, or a terminal session name
 * @param thread the thread every reply goes into (the root message's timestamp in Slack)
 * @param agent the MCP client that made the request for its requester, or null for a person's own
 */
public record Ask(
    String correlationId, String requester, String channel, String thread, String agent) {
  /** A person's own request. */
  public Ask(String correlationId, String requester, String channel, String thread) {
    this(correlationId, requester, channel, thread, null);
  }

  /**
   * The requester of work an alert started ({@code alert:NAME}): no person, so the no-self-approval
   * rule excludes nobody and any authorized approver may decide its cards.
   */
  public static final String ALERT_REQUESTER_PREFIX = "alert:";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A fresh correlation ID: short enough to type, random enough never to repeat in practice. */
  public static String newCorrelationId() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return "pc-" + HexFormat.of().formatHex(bytes);
  }
}
