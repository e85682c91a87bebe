package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/** {@code kubectl rollout pause} / {@code resume}: each is the other's inverse. */
final class SetRolloutPaused extends DeploymentMutation {
  private static final JsonNode SCHEMA = Schemas.namespaced("Deployment");

  private final boolean pause;

  SetRolloutPaused(KubernetesClient client, ChangeRecorder recorder, boolean pause) {
    super(
        client,
        recorder,
        pause ? "deployment.pause" : "deployment.resume",
        pause
            ? "Pause the rollout of one Deployment: template changes stop rolling out."
            : "Resume a paused rollout of one Deployment.",
        SCHEMA);
    this.pause = pause;
  }

  @Override
  Planned plan(Deployment current, JsonNode arguments) {
    if (paused(current) == pause) {
      return refuse(describe(arguments) + " is already " + (pause ? "paused" : "not paused"));
    }
    return new Intent(
        new Plan(
            (pause ? "Pause the rollout of " : "Resume the rollout of ") + describe(arguments),
            List.of(new Change("spec.paused", !pause, pause)),
            Optional.of(
                new Inverse(pause ? "deployment.resume" : "deployment.pause", target(arguments)))),
        mergePatch(patch -> patch.putObject("spec").put("paused", pause)));
  }

  @Override
  String done(Plan plan) {
    return plan.summary().replaceFirst("^Pause ", "Paused ").replaceFirst("^Resume ", "Resumed ");
  }

  @Override
  String eventReason() {
    return pause ? "PitcrewPaused" : "PitcrewResumed";
  }

  @Override
  boolean startsRollout() {
    return !pause; // resuming rolls out what the pause held back
  }
}
