package dev.pitcrew.runbooks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The text of one runbook file and where it came from, so load errors can name the file.
 *
 * @param origin a file path or classpath location, used only in messages
 * @param yaml the runbook document
 */
public record RunbookSource(String origin, String yaml) {

  private static final List<String> SHIPPED = List.of("deployment_status", "scale_deployment");

  /** The runbooks that ship inside this module. */
  public static List<RunbookSource> shipped() {
    return SHIPPED.stream().map(RunbookSource::classpath).toList();
  }

  private static RunbookSource classpath(String name) {
    String resource = name + ".yaml";
    try (InputStream in = RunbookSource.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("shipped runbook " + resource + " is missing from the jar");
      }
      return new RunbookSource(
          "classpath:dev/pitcrew/runbooks/" + resource,
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read shipped runbook " + resource, e);
    }
  }
}
