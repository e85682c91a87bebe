package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void missingSettingStopsStartUpWithOneLineNamingIt() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    var exit =
        Main.start(
            new String[0],
            Map.of("SLACK_SIGNING_SECRET", "s"),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).contains(Main.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "pitcrew: configuration error: SLACK_BOT_TOKEN is required" + System.lineSeparator());
  }

  @Test
  void unknownCommandIsRefused() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    var exit =
        Main.start(
            new String[] {"serve"}, Map.of(), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).contains(Main.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'serve'");
  }
}
