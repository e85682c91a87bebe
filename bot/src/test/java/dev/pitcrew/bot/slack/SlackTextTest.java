package dev.pitcrew.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlackTextTest {

  @Test
  void controlCharactersAreEscapedSoNothingPingsOrLinks() {
    assertThat(SlackText.escape("<!channel> <@U123> <https://evil|ok> a&b"))
        .isEqualTo("&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|ok&gt; a&amp;b");
  }

  @Test
  void codeBlocksCannotBeClosedFromInside() {
    String code = SlackText.code("log line ``` <!here> ```");
    assertThat(code).startsWith("```").endsWith("```");
    assertThat(code.substring(3, code.length() - 3))
        .doesNotContain("```")
        .contains("&lt;!here&gt;");
  }

  @Test
  void mentionsOnlyForWellFormedUserIds() {
    assertThat(SlackText.mention("U0123ABCD")).isEqualTo("<@U0123ABCD>");
    assertThat(SlackText.mention("U1> <!channel")).isEqualTo("`U1&gt; &lt;!channel`");
  }

  @Test
  void longTextIsCutWithAMarker() {
    assertThat(SlackText.limit("x".repeat(100), 20)).hasSize(20).endsWith("… [cut]");
  }
}
