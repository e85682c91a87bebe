package dev.pitcrew.approvals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class McpPolicyTest {
  private static final String TOKEN = "mcp-token-for-alice-0123456789";

  private static McpPolicy parse(String yaml) {
    return PolicyFile.parse("p.yaml", yaml, Optional.empty(), Optional.empty()).mcp();
  }

  private static String digest(String token) {
    return HexFormat.of().formatHex(McpPolicy.sha256(token));
  }

  @Test
  void aClientIsFoundByItsTokensDigestAndActsForItsPerson() {
    McpPolicy mcp =
        parse(
            """
            mcp:
              channel: C0APPROVALS
              clients:
                - {name: alice-laptop, tokenSha256: %s, as: U0ALICE}
                - {name: ci-agent, tokenSha256: %s, as: U0CI}
            """
                .formatted(digest(TOKEN), digest("another-token-0123456789")));

    assertThat(mcp.enabled()).isTrue();
    assertThat(mcp.channel()).contains("C0APPROVALS");
    assertThat(mcp.client(TOKEN))
        .hasValueSatisfying(
            c -> {
              assertThat(c.name()).isEqualTo("alice-laptop");
              assertThat(c.as()).isEqualTo("U0ALICE");
            });
    assertThat(mcp.client("a-token-nobody-has")).isEmpty();
    assertThat(mcp.client("")).isEmpty();
  }

  @Test
  void withoutAnMcpSectionTheEndpointIsOff() {
    assertThat(parse("").enabled()).isFalse();
  }

  @Test
  void aTokenWhereItsDigestBelongsOrADuplicateNameIsNamedWithItsLine() {
    assertThatThrownBy(
            () ->
                parse(
                    "ask: {}\nmcp:\n  clients:\n    - {name: alice, tokenSha256: "
                        + TOKEN
                        + ", as: U0ALICE}\n"))
        .hasMessageStartingWith("p.yaml:3: mcp.clients: clients[0].tokenSha256: expected the")
        .hasMessageContaining("never the token itself");
    String twice =
        "mcp:\n  clients:\n    - {name: a, tokenSha256: %s, as: U1}\n    - {name: a, tokenSha256: %s, as: U2}\n"
            .formatted(digest("t1-0123456789abcdef"), digest("t2-0123456789abcdef"));
    assertThatThrownBy(() -> parse(twice))
        .hasMessage("p.yaml:2: mcp.clients: clients[1].name: 'a' is used twice");
    assertThatThrownBy(
            () ->
                parse(
                    "mcp:\n  clients:\n    - {name: a, tokenSha256: %s}\n"
                        .formatted(digest("t1-0123456789abcdef"))))
        .hasMessageContaining("clients[0].as: the person this client acts for is missing");
  }
}
