package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a pod template change does besides images, as a reviewer needs to see it before approving:
 * commands, arguments, env names, service account, security contexts, host namespaces and volumes.
 * Env values are never shown (they may be credentials); only which variables are set.
 */
final class TemplateDifferences {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LONGEST = 300;

  private TemplateDifferences() {}

  static List<Change> between(PodTemplateSpec now, PodTemplateSpec target) {
    PodSpec a = now.getSpec() == null ? new PodSpec() : now.getSpec();
    PodSpec b = target.getSpec() == null ? new PodSpec() : target.getSpec();
    List<Change> changes = new ArrayList<>();
    compare(changes, "service account", a.getServiceAccountName(), b.getServiceAccountName());
    compare(changes, "hostPID", a.getHostPID(), b.getHostPID());
    compare(changes, "hostNetwork", a.getHostNetwork(), b.getHostNetwork());
    compare(changes, "hostIPC", a.getHostIPC(), b.getHostIPC());
    compare(
        changes,
        "pod security context",
        json(a.getSecurityContext()),
        json(b.getSecurityContext()));
    compare(changes, "volumes", volumes(a.getVolumes()), volumes(b.getVolumes()));
    containers(changes, "init container ", a.getInitContainers(), b.getInitContainers());
    containers(changes, "container ", a.getContainers(), b.getContainers());
    return changes;
  }

  /** {@code sha256:} and the first 16 hex digits of the template's JSON. */
  static String digest(PodTemplateSpec template) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(JSON.writeValueAsString(template).getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot digest a pod template", e);
    }
  }

  private static void containers(
      List<Change> changes, String kind, List<Container> before, List<Container> after) {
    Map<String, Container> old = byName(before);
    for (Container c : after == null ? List.<Container>of() : after) {
      Container o = old.getOrDefault(c.getName(), new Container());
      String which = kind + c.getName();
      compare(changes, "command of " + which, o.getCommand(), c.getCommand());
      compare(changes, "args of " + which, o.getArgs(), c.getArgs());
      compare(changes, "env names of " + which, envNames(o.getEnv()), envNames(c.getEnv()));
      compare(
          changes,
          "security context of " + which,
          json(o.getSecurityContext()),
          json(c.getSecurityContext()));
    }
  }

  private static Map<String, Container> byName(List<Container> containers) {
    Map<String, Container> named = new LinkedHashMap<>();
    (containers == null ? List.<Container>of() : containers)
        .forEach(c -> named.put(c.getName(), c));
    return named;
  }

  private static List<String> envNames(List<EnvVar> env) {
    return env == null ? List.of() : env.stream().map(EnvVar::getName).sorted().toList();
  }

  private static String volumes(List<Volume> volumes) {
    if (volumes == null || volumes.isEmpty()) {
      return "(none)";
    }
    return json(volumes);
  }

  private static String json(Object value) {
    if (value == null) {
      return "(none)";
    }
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return String.valueOf(value);
    }
  }

  private static void compare(List<Change> changes, String field, Object from, Object to) {
    if (!Objects.equals(normal(from), normal(to))) {
      changes.add(new Change(field, shown(from), shown(to)));
    }
  }

  /** Absent, empty and false are the same: no command is the image's, no hostPID is false. */
  private static Object normal(Object value) {
    return (value instanceof List<?> l && l.isEmpty()) || Boolean.FALSE.equals(value)
        ? null
        : value;
  }

  private static String shown(Object value) {
    String text =
        normal(value) == null && !(value instanceof Boolean) ? "(none)" : String.valueOf(value);
    return text.length() <= LONGEST ? text : text.substring(0, LONGEST - 1) + "…";
  }
}
