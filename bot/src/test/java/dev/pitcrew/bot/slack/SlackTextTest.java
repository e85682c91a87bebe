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

  /** Regression: the runbooks list outgrew one section and lost its last runbooks to a cut. */
  @Test
  void aLongMessageIsSplitBetweenLinesIntoSectionsAndCutOnlyBeyondTheirLimit() {
    String line = "run something namespace=<string> name=<string>\n    what it does";
    String text = String.join("\n", java.util.Collections.nCopies(80, line)); // ~5,500 chars
    java.util.List<String> sections = SlackText.sections(text);

    assertThat(sections)
        .hasSizeGreaterThan(1)
        .allSatisfy(s -> assertThat(s).hasSizeLessThan(2_901));
    assertThat(String.join("\n", sections)).isEqualTo(text);

    java.util.List<String> huge = SlackText.sections("y".repeat(60_000));
    assertThat(huge).hasSize(SlackText.MAX_SECTIONS);
    assertThat(huge.get(huge.size() - 1)).endsWith("[cut]").hasSizeLessThan(2_901);
  }
}
