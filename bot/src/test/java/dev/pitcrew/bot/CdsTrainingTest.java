package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's class-data sharing recipe on the image's class path: the init container runs {@code
 * cds-train} under {@code -XX:ArchiveClassesAtExit}, the container then maps the archive. Jib lays
 * the application out as {@code /app/classpath/*} (a jar: containerizingMode packaged) and {@code
 * /app/libs/...}; this builds the same shape from the module's classes and runtime class path and
 * runs both steps as separate JVMs, as the pod does. What it lacks: the image's own JRE (Temurin 17
 * there, the build's JDK here) and its read-only file system.
 */
class CdsTrainingTest {
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @Test
  void cdsTrainWritesAnArchiveThatTheNextStartMaps(@TempDir Path dir) throws Exception {
    Path app = dir.resolve("classpath");
    Files.createDirectories(app);
    jar(Path.of("target", "classes"), app.resolve("bot.jar"));
    String classPath = app + File.separator + "*" + File.pathSeparator + imageLibraries();
    Path archive = dir.resolve("pitcrew.jsa");

    Run train =
        run(
            List.of(
                "-XX:ArchiveClassesAtExit=" + archive,
                "-cp",
                classPath,
                "dev.pitcrew.bot.Main",
                "cds-train"),
            dir);
    assertThat(train.exit()).as(train.output()).isZero();
    assertThat(archive).isNotEmptyFile();

    // -Xshare:on: the JVM stops if it cannot map the archive for this class path.
    Run start =
        run(
            List.of(
                "-XX:SharedArchiveFile=" + archive,
                "-Xshare:on",
                "-cp",
                classPath,
                "dev.pitcrew.bot.Main",
                "version"),
            dir);
    assertThat(start.exit()).as(start.output()).isZero();
    assertThat(start.output()).contains("pitcrew ");
  }

  /** Why the image packs the classes into a jar: a directory on the class path stops the dump. */
  @Test
  void aClassesDirectoryOnTheClassPathCannotBeArchived(@TempDir Path dir) throws Exception {
    Run train =
        run(
            List.of(
                "-XX:ArchiveClassesAtExit=" + dir.resolve("pitcrew.jsa"),
                "-cp",
                Path.of("target", "classes").toAbsolutePath()
                    + File.pathSeparator
                    + imageLibraries(),
                "dev.pitcrew.bot.Main",
                "version"),
            dir);
    assertThat(train.exit()).isNotZero();
    assertThat(train.output()).contains("non-empty directory");
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> args, Path dir) throws Exception {
    List<String> command = new ArrayList<>(List.of(JAVA));
    command.addAll(args);
    Path log = dir.resolve("run-" + System.nanoTime() + ".log");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("no exit within 120 s: " + Files.readString(log));
    }
    return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private static String imageLibraries() throws IOException {
    return Files.readString(Path.of("target", "image-classpath.txt"), StandardCharsets.UTF_8)
        .trim();
  }

  private static void jar(Path classes, Path jar) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file);
        Stream<Path> all = Files.walk(classes)) {
      for (Path p : all.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
  }
}
