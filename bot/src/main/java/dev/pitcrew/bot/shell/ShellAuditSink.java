package dev.pitcrew.bot.shell;

import dev.pitcrew.bot.audit.AuditEvent;
import dev.pitcrew.bot.audit.AuditSink;
import java.io.PrintStream;
import java.util.function.Consumer;

/** The audit feed as one line per event: to a file, or dimmed and marked in the terminal. */
public final class ShellAuditSink implements AuditSink {
  private final Consumer<String> out;
  private final String name;

  private ShellAuditSink(Consumer<String> out, String name) {
    this.out = out;
    this.name = name;
  }

  /** Lines with their time stamp, appended to {@code file}. */
  public static ShellAuditSink file(PrintStream file) {
    return new ShellAuditSink(
        line -> {
          synchronized (file) {
            file.println(line);
            file.flush();
          }
        },
        "ShellAuditSink(file)");
  }

  /** Lines above the prompt, dimmed and marked "audit". */
  public static ShellAuditSink terminal(ShellSurface surface) {
    return new ShellAuditSink(surface::audit, "ShellAuditSink(terminal)");
  }

  @Override
  public void record(AuditEvent event) {
    out.accept(
        event.at()
            + " "
            + event.correlationId()
            + " "
            + event.type().label()
            + " by "
            + event.actor()
            + ": "
            + ShellSurface.clean(event.summary()).replace('\n', ' '));
  }

  @Override
  public String toString() {
    return name;
  }
}
