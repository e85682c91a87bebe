package dev.pitcrew.remediations;

/** What a mutation would do, computed before anyone approves it. */
public sealed interface Preview permits Plan, Refused, Failed {

  /** One line a human can read. */
  String summary();
}
