package dev.pitcrew.bot.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitcrew.bot.core.Ask;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;

/** Cluster output and model text reach the terminal without their control characters. */
class ShellSurfaceTest {

  @Test
  void escapeSequencesInUntrustedTextNeverReachTheTerminal() throws Exception {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    try (Terminal terminal =
        new DumbTerminal(
            "test",
            "ansi",
            new ByteArrayInputStream(new byte[0]),
            screen,
            StandardCharsets.UTF_8)) {
      ShellSurface surface = new ShellSurface(terminal);

      // A pod log line that would clear the screen, retitle the window and ring the bell.
      surface.say(
          new Ask("pc-0123456789ab", "operator", "terminal", "pc-0123456789ab"),
          "log: \u001b[2J\u001b]0;pwned\u0007done\nnext line\tok");
    }

    String shown = screen.toString(StandardCharsets.UTF_8);
    assertThat(shown).doesNotContain("\u001b").doesNotContain("\u0007");
    assertThat(shown).contains("log: ?[2J?]0;pwned?done").contains("next line\tok");
  }
}
