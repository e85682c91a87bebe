package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code kubectl rollout restart}: a new pod template annotation makes the controller roll. */
final class RestartDeployment extends DeploymentMutation {
  static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
  private static final JsonNode SCHEMA = Schemas.namespaced("Deployment");

  private final Clock clock;

  RestartDeployment(KubernetesClient client, ChangeRecorder recorder, Clock clock) {
    super(
        client,
        recorder,
        "deployment.restart",
        "Rolling restart of one Deployment's pods (kubectl rollout restart).",
        SCHEMA);
    this.clock = clock;
  }

  @Override
  Planned plan(Deployment current, JsonNode arguments) {
    if (paused(current)) {
      return refuse(
          describe(arguments)
              + " has its rollout paused, so a restart would not roll; resume it first");
    }
    return new Intent(
        new Plan(
            "Restart %s: replace its %d pods with a rolling update"
                .formatted(describe(arguments), replicas(current)),
            List.of(change(current.getSpec().getTemplate())),
            Optional.empty()),
        stamp(clock));
  }

  /** The annotation a restart sets on {@code template}, as the card shows it. */
  static Change change(io.fabric8.kubernetes.api.model.PodTemplateSpec template) {
    var metadata = template.getMetadata();
    Map<String, String> annotations = metadata == null ? null : metadata.getAnnotations();
    String previous = annotations == null ? null : annotations.get(RESTARTED_AT);
    return new Change(
        "spec.template.metadata.annotations[" + RESTARTED_AT + "]",
        previous == null ? "(unset)" : previous,
        "the time of execution");
  }

  /**
   * The restart's write. The timestamp is fixed now, in the body, so a retried patch sets the same
   * value.
   */
  static java.util.function.Function<ChangeContext, Patch> stamp(Clock clock) {
    String now =
        DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    return mergePatch(
        patch ->
            patch
                .putObject("spec")
                .putObject("template")
                .putObject("metadata")
                .putObject("annotations")
                .put(RESTARTED_AT, now));
  }

  @Override
  String done(Plan plan) {
    return plan.summary()
        .replaceFirst("^Restart ", "Restarted ")
        .replace(": replace", ": replacing");
  }

  @Override
  String eventReason() {
    return "PitcrewRestarted";
  }
}
