package dev.pitcrew.bot.concurrent;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/** How Pitcrew makes threads, and carries a request's logging context across them. */
public final class Threads {
  private Threads() {}

  /**
   * Daemon threads named {@code name-1}, {@code name-2} ...: a stuck pool never keeps the JVM from
   * exiting, and a thread dump says whose thread it is.
   */
  public static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * {@code task} with the caller's MDC (the correlation ID). Afterwards the running thread's own
   * MDC is put back, not cleared: a task a full pool runs on the caller's thread must not wipe the
   * caller's correlation ID.
   */
  public static <T> Callable<T> withMdc(Callable<T> task) {
    Map<String, String> context = MDC.getCopyOfContextMap();
    return () -> {
      Map<String, String> before = MDC.getCopyOfContextMap();
      set(context);
      try {
        return task.call();
      } finally {
        set(before);
      }
    };
  }

  /** {@link #withMdc(Callable)} for a {@link Runnable}. */
  public static Runnable withMdc(Runnable task) {
    Callable<Void> wrapped =
        withMdc(
            () -> {
              task.run();
              return null;
            });
    return () -> {
      try {
        wrapped.call();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e); // a Runnable throws nothing checked
      }
    };
  }

  private static void set(Map<String, String> context) {
    if (context == null) {
      MDC.clear();
    } else {
      MDC.setContextMap(context);
    }
  }
}
