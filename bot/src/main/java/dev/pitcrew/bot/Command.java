package dev.pitcrew.bot;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * One of the jar's commands ({@code shell}, {@code version}, ...). {@link Main} dispatches to it by
 * name. Commands that live outside this module (the demo module's {@code eval}) are found with
 * {@link java.util.ServiceLoader}, so the production image, which leaves that module out, simply
 * does not offer them.
 */
public interface Command {
  /** Exit code for a missing or malformed setting or option. */
  int CONFIG_ERROR = 2;

  /** Exit code when start-up or the command itself failed. */
  int START_FAILED = 1;

  /** What follows {@code java -jar pitcrew.jar}. */
  String name();

  /**
   * Its lines in {@code --help}: the name and options, padded to 28 columns, then what it does;
   * continuation lines indented by 30.
   */
  List<String> help();

  /**
   * @return the exit code
   */
  int run(
      List<String> args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err);
}
