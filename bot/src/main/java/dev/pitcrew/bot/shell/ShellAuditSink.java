package dev.pitcrew.bot.shell;

import dev.pitcrew.bot.audit.AuditEvent;
import dev.pitcrew.bot.audit.AuditSink;
import java.io.PrintStream;

/** The audit feed as one line per event, to a file or standard error. */
public final class ShellAuditSink implements AuditSink {
  private final PrintStream out;

  public ShellAuditSink(PrintStream out) {
    this.out = out;
  }

  @Override
  public void record(AuditEvent event) {
    synchronized (out) {
      out.println(
          event.at()
              + " "
              + event.correlationId()
              + " "
              + event.type().label()
              + " by "
              + event.actor()
              + ": "
              + ShellSurface.clean(event.summary()).replace('\n', ' '));
      out.flush();
    }
  }

  @Override
  public String toString() {
    return "ShellAuditSink";
  }
}
