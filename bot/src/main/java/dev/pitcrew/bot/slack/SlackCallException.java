package dev.pitcrew.bot.slack;

import dev.pitcrew.bot.core.SurfaceException;

/** A Slack Web API call failed; the message names the method and Slack's error code. */
final class SlackCallException extends SurfaceException {
  private static final long serialVersionUID = 1L;

  SlackCallException(String message, Throwable cause) {
    super(message, cause);
  }
}
