package dev.pitcrew.bot.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Logging while a command owns the terminal (the shell, eval). */
public final class TerminalLogs {
  private TerminalLogs() {}

  /**
   * The terminal is the shell's: application logs go to standard error at WARN, and the audit
   * logger is off because the audit feed has its own sink here.
   *
   * @return what puts the logging back as it was
   */
  public static Runnable quiet() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return () -> {};
    }
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.classic.Logger audit = context.getLogger("pitcrew.audit");
    Level rootLevel = root.getLevel();
    Level auditLevel = audit.getLevel();
    List<Runnable> restore = new ArrayList<>();
    root.iteratorForAppenders()
        .forEachRemaining(
            appender -> {
              if (appender instanceof ConsoleAppender<?> console) {
                String target = console.getTarget();
                retarget(console, "System.err");
                restore.add(() -> retarget(console, target));
              }
            });
    root.setLevel(Level.WARN);
    audit.setLevel(Level.OFF);
    return () -> {
      root.setLevel(rootLevel);
      audit.setLevel(auditLevel);
      restore.forEach(Runnable::run);
    };
  }

  private static void retarget(ConsoleAppender<?> console, String target) {
    console.stop();
    console.setTarget(target);
    console.start();
  }
}
