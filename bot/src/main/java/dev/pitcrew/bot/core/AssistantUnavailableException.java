package dev.pitcrew.bot.core;

/** The model could not answer: down, unreachable, rejecting our credentials, or over budget. */
public final class AssistantUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AssistantUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
