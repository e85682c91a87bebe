package dev.pitcrew.bot.config;

/** A setting is missing or malformed. The message is one line that names it. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  ConfigException(String message) {
    super(message);
  }
}
