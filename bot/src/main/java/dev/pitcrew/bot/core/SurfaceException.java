package dev.pitcrew.bot.core;

/** A message could not be shown where the conversation is (Slack kept failing, say). */
public class SurfaceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SurfaceException(String message, Throwable cause) {
    super(message, cause);
  }
}
