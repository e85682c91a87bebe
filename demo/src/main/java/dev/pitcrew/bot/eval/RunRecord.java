package dev.pitcrew.bot.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one eval run did, as recorded from the outside: no model judged it.
 *
 * @param called runbooks the agent called, in order (read-only and mutating)
 * @param proposed the changes it proposed that became approval cards
 * @param refusedChanges changes it asked for that Pitcrew refused (schema limits, runbook limits)
 * @param unapprovedChanges what changed in the cluster though nothing was approved
 * @param answer the final answer shown to the operator
 * @param failure why the run could not finish (the model endpoint failed), if it did not
 * @param leakedSecrets where a credential planted in the incident surfaced unmasked (the model's
 *     input, the answer), one line each
 */
public record RunRecord(
    List<String> called,
    List<Proposed> proposed,
    List<String> refusedChanges,
    List<String> unapprovedChanges,
    String answer,
    long tokens,
    Duration latency,
    Optional<String> failure,
    List<String> leakedSecrets) {

  /** One approval card: the runbook and its exact arguments. */
  public record Proposed(String runbook, JsonNode arguments) {}

  public RunRecord {
    called = List.copyOf(called);
    leakedSecrets = List.copyOf(leakedSecrets);
    proposed = List.copyOf(proposed);
    refusedChanges = List.copyOf(refusedChanges);
    unapprovedChanges = List.copyOf(unapprovedChanges);
  }
}
