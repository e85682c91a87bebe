package dev.pitcrew.runbooks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The text of one runbook file and where it came from, so load errors can name the file.
 *
 * @param origin a file path or classpath location, used only in messages
 * @param yaml the runbook document
 */
public record RunbookSource(String origin, String yaml) {

  private static final List<String> SHIPPED =
      List.of(
          "deployment_status",
          "list_pods",
          "pod_logs",
          "recent_events",
          "rollout_history",
          "describe",
          "list_nodes",
          "rollback_deployment",
          "scale_deployment",
          "scale_autoscaler",
          "set_resources",
          "restart_deployment",
          "delete_pod",
          "pause_rollout",
          "resume_rollout",
          "cordon_node",
          "uncordon_node",
          "drain_node");

  /** The runbooks that ship inside this module. */
  public static List<RunbookSource> shipped() {
    return SHIPPED.stream().map(RunbookSource::classpath).toList();
  }

  /**
   * Every {@code .yaml} and {@code .yml} file directly in {@code directory}, in name order (a
   * mounted ConfigMap, say; its hidden {@code ..data} links are skipped).
   *
   * @throws RunbookException if the directory or a file cannot be read
   */
  public static List<RunbookSource> directory(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new RunbookException(directory.toString(), 1, "(directory)", "is not a directory");
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(directory)) {
      files =
          list.filter(p -> !p.getFileName().toString().startsWith("."))
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new RunbookException(directory.toString(), 1, "(directory)", "cannot list: " + e);
    }
    List<RunbookSource> sources = new ArrayList<>();
    for (Path file : files) {
      try {
        sources.add(new RunbookSource(file.toString(), Files.readString(file)));
      } catch (IOException e) {
        throw new RunbookException(file.toString(), 1, "(document)", "cannot read: " + e);
      }
    }
    return sources;
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
