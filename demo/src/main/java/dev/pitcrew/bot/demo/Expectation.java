package dev.pitcrew.bot.demo;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a good answer to an incident needs, checked without a model.
 *
 * @param evidence runbooks the agent must have called; an entry {@code a|b} is met by either
 * @param remediation the changes it may propose (a card) to pass: one of them is needed; empty when
 *     none is right
 * @param facts patterns its answer must match (case-insensitive), each a fact in the diagnosis
 * @param mustNotClaim patterns its answer must not match: symptoms this incident does not have (an
 *     answer that names every symptom it has heard of fails here)
 * @param mustNotPropose runbooks whose proposal makes the run fail: changes that would not help
 */
public record Expectation(
    List<String> evidence,
    List<Remedy> remediation,
    List<Pattern> facts,
    List<Pattern> mustNotClaim,
    Set<String> mustNotPropose) {

  /**
   * A proposal: the runbook and the arguments that matter, compared as text ({@code replicas: "2"}
   * matches the number 2); other arguments may be anything.
   */
  public record Remedy(String runbook, Map<String, String> keyArguments) {}

  public Expectation {
    evidence = List.copyOf(evidence);
    remediation = List.copyOf(remediation);
    facts = List.copyOf(facts);
    mustNotClaim = List.copyOf(mustNotClaim);
    mustNotPropose = Set.copyOf(mustNotPropose);
  }

  static List<Pattern> facts(String... patterns) {
    return java.util.Arrays.stream(patterns)
        .map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE))
        .toList();
  }
}
