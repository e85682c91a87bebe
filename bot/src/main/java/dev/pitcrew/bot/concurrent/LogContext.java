package dev.pitcrew.bot.concurrent;

import org.slf4j.MDC;

/**
 * A logging-context entry for a scope. Unlike {@link MDC#putCloseable}, closing it puts back what
 * was there before instead of removing the key, so a nested scope (an audit record inside a
 * request) does not strip the request's correlation ID from the lines that follow.
 */
public final class LogContext implements AutoCloseable {
  /** The MDC key every request's log lines carry. */
  public static final String CORRELATION_ID = "correlation_id";

  private final String key;
  private final String previous;

  private LogContext(String key, String value) {
    this.key = key;
    this.previous = MDC.get(key);
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  /** Sets {@code key} to {@code value} until closed. */
  public static LogContext with(String key, String value) {
    return new LogContext(key, value);
  }

  /** The request's correlation ID on every line until closed. */
  public static LogContext correlation(String correlationId) {
    return with(CORRELATION_ID, correlationId);
  }

  @Override
  public void close() {
    if (previous == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, previous);
    }
  }
}
