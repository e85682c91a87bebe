package dev.pitcrew.remediations;

/**
 * A write whose answer was lost (a timeout, a reset connection, a 5xx from a proxy): the API server
 * may have applied it, now or later. Never reported as done or failed by guess.
 *
 * @param reason what went wrong with the write
 * @param state the object as read back afterwards, or why it could not be read
 */
public record OutcomeUnknown(String reason, String state) implements Outcome {
  @Override
  public String summary() {
    return reason + ". It may or may not have been applied; now: " + state;
  }
}
