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
    out.println("pitcrew " + version());
    return 0;
  }

  /** The build's version, from the jar's manifest or, in tests, the filtered resource. */
  static String version() {
    String fromJar = VersionCommand.class.getPackage().getImplementationVersion();
    if (fromJar != null) {
      return fromJar;
    }
    try (var in = VersionCommand.class.getResourceAsStream("version.properties")) {
      java.util.Properties properties = new java.util.Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "unknown");
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
