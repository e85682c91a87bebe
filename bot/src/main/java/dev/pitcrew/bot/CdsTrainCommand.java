package dev.pitcrew.bot;

import dev.pitcrew.bot.cds.Training;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** {@code cds-train}: the run a class-data sharing archive is written from (the chart's). */
final class CdsTrainCommand implements Command {
  @Override
  public String name() {
    return "cds-train";
  }

  @Override
  public List<String> help() {
    return List.of(
        "cds-train                   start, answer one /ask on loopback and stop: run under",
        "                            -XX:ArchiveClassesAtExit=FILE to make a class-data",
        "                            sharing archive for faster starts (the chart does)");
  }

  @Override
  public int run(
      List<String> args,
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err) {
    try {
      return Training.run(err);
    } catch (IOException | RuntimeException e) {
      err.println("pitcrew: cds-train failed: " + e);
      return Command.START_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Command.START_FAILED;
    }
  }
}
