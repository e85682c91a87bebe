package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void brokenRunbookStopsStartUpNamingFileAndLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "name: broken\naction: deployment.explode\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    var exit =
        Main.start(
            new String[0],
            Map.of(
                "SLACK_BOT_TOKEN", "xoxb-test",
                "SLACK_SIGNING_SECRET", "s",
                "PORT", "0",
                "PITCREW_RUNBOOKS_DIR", dir.toString()),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).contains(Main.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith(
            "pitcrew: runbook error: " + file + ":2: action: unknown action 'deployment.explode'");
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
