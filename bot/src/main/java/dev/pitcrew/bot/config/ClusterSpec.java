package dev.pitcrew.bot.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One named cluster from {@code PITCREW_CLUSTERS}: a comma-separated list of {@code NAME=SOURCE},
 * where SOURCE is {@code context:CONTEXT} (a context of the KUBECONFIG), {@code
 * kubeconfig:/path/to/file} (its current context; the chart mounts one per Secret) or {@code
 * in-cluster} (Pitcrew's own service account). A bare {@code NAME} is {@code NAME=context:NAME}.
 *
 * @param value the context name or the file path; empty for in-cluster
 */
public record ClusterSpec(String name, Kind kind, String value) {
  /** Where the cluster's connection comes from. */
  public enum Kind {
    CONTEXT,
    KUBECONFIG,
    IN_CLUSTER
  }

  private static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$");

  /**
   * Parses {@code PITCREW_CLUSTERS}; no setting means one unnamed cluster.
   *
   * @throws ConfigException naming the entry and what is wrong with it
   */
  public static List<ClusterSpec> parse(String setting) throws ConfigException {
    List<ClusterSpec> specs = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (String raw : setting.split(",")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String name = eq < 0 ? entry : entry.substring(0, eq).strip();
      String source = eq < 0 ? "context:" + entry : entry.substring(eq + 1).strip();
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(
            "PITCREW_CLUSTERS: '"
                + name
                + "' is not a cluster name (lower-case letters, digits and '-', at most 32)");
      }
      if (!names.add(name)) {
        throw new ConfigException("PITCREW_CLUSTERS names cluster " + name + " twice");
      }
      specs.add(spec(name, source));
    }
    return List.copyOf(specs);
  }

  private static ClusterSpec spec(String name, String source) throws ConfigException {
    if (source.equals("in-cluster")) {
      return new ClusterSpec(name, Kind.IN_CLUSTER, "");
    }
    if (source.startsWith("context:") && source.length() > "context:".length()) {
      return new ClusterSpec(name, Kind.CONTEXT, source.substring("context:".length()));
    }
    if (source.startsWith("kubeconfig:")) {
      Path file = Path.of(source.substring("kubeconfig:".length()));
      if (!Files.isReadable(file)) {
        throw new ConfigException(
            "PITCREW_CLUSTERS: cluster "
                + name
                + " names kubeconfig "
                + file
                + ", which is not a readable file");
      }
      return new ClusterSpec(name, Kind.KUBECONFIG, file.toString());
    }
    throw new ConfigException(
        "PITCREW_CLUSTERS: cluster "
            + name
            + " has source '"
            + source
            + "'; expected context:NAME, kubeconfig:/path or in-cluster");
  }
}
