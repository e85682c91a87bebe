package dev.pitcrew.remediations;

/** The cluster could not be asked or answered with an error; {@code reason} says which, plainly. */
public record Failed(String reason) implements Outcome, Preview {
  @Override
  public String summary() {
    return "Failed: " + reason;
  }
}
