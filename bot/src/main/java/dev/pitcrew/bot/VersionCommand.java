package dev.pitcrew.bot;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** {@code version}: the build's version. */
final class VersionCommand implements Command {
  @Override
  public String name() {
    return "version";
  }

  @Override
  public List<String> help() {
    return List.of("version                     print the version");
  }

  @Override
  public int run(
      List<String> args,
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err) {
    out.println("pitcrew " + Main.version());
    return 0;
  }
}
