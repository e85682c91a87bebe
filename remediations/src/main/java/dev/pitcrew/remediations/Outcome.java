package dev.pitcrew.remediations;

/** What running an action did. Callers switch over every case; expected failures are values. */
public sealed interface Outcome permits Applied, Observed, Refused, Failed, OutcomeUnknown {

  /** One line a human can read in a chat thread or a terminal. */
  String summary();
}
