package dev.pitcrew.approvals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Who may call Pitcrew over MCP ({@code mcp:} in the policy file): each client a bearer token,
 * known only by its SHA-256, acting for one person, who is then the requester for every rule.
 *
 * @param channel where the cards of MCP proposals are posted
 */
public record McpPolicy(Optional<String> channel, List<Client> clients) {

  /**
   * One agent.
   *
   * @param name shown on cards and in the audit feed
   * @param as the person it acts for (a Slack user ID; in the shell, a name)
   */
  public record Client(String name, byte[] tokenSha256, String as) {
    public Client {
      tokenSha256 = tokenSha256.clone();
    }
  }

  public McpPolicy {
    clients = List.copyOf(clients);
  }

  /** No MCP clients: the endpoint is off. */
  public static McpPolicy none() {
    return new McpPolicy(Optional.empty(), List.of());
  }

  public boolean enabled() {
    return !clients.isEmpty();
  }

  /**
   * The client whose token this is. The token's digest is compared with every client's in constant
   * time, whichever matches, so the time taken says nothing about the token.
   */
  public Optional<Client> client(String token) {
    byte[] digest = sha256(token);
    Client found = null;
    for (Client c : clients) {
      if (MessageDigest.isEqual(digest, c.tokenSha256())) {
        found = c;
      }
    }
    return Optional.ofNullable(found);
  }

  public static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
