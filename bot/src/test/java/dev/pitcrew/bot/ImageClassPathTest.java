package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The production image carries this module's classes and its runtime class path, nothing else: Jib
 * copies exactly Maven's runtime scope, which the build writes to {@code
 * target/image-classpath.txt} (maven-dependency-plugin, before the tests). No web-server stack of
 * the mock API server, no test framework, no demo cluster. What this cannot see: a file added to
 * the image by hand (Jib's extraDirectories, which the build does not use).
 */
class ImageClassPathTest {
  /** Package prefixes of the mock server's stack. */
  private static final List<String> BANNED_PACKAGES =
      List.of("io/vertx/", "io/netty/", "org/bouncycastle/");

  /** Artifacts only tests use: test frameworks, the mock servers, any module's test jar. */
  private static final List<String> TEST_ARTIFACTS =
      List.of(
          "junit-",
          "assertj-",
          "awaitility-",
          "opentest4j-",
          "mockwebserver",
          "kubernetes-server-mock-",
          "helm-java",
          "-tests.jar");

  private static List<Path> imageClassPath() throws IOException {
    Path file = Path.of("target", "image-classpath.txt");
    assertThat(file).as("written by the build before the tests").exists();
    String listed = Files.readString(file, StandardCharsets.UTF_8).trim();
    return Arrays.stream(listed.split(java.io.File.pathSeparator))
        .filter(s -> !s.isBlank())
        .map(Path::of)
        .toList();
  }

  @Test
  void theImageCarriesNoMockServerStackAndNoTestArtifact() throws IOException {
    List<Path> jars = imageClassPath();
    // The list is the real one: Slack, Fabric8 and the OpenAI SDK are on it.
    assertThat(jars.stream().map(p -> p.getFileName().toString()))
        .anyMatch(n -> n.startsWith("bolt-"))
        .anyMatch(n -> n.startsWith("kubernetes-client-"))
        .anyMatch(n -> n.startsWith("openai-java-"));

    List<String> found = new ArrayList<>();
    for (Path jar : jars) {
      String name = jar.getFileName().toString();
      TEST_ARTIFACTS.stream()
          .filter(name::contains)
          .forEach(t -> found.add(name + " is a test artifact"));
      try (JarFile open = new JarFile(jar.toFile())) {
        open.stream()
            .map(java.util.zip.ZipEntry::getName)
            .filter(entry -> BANNED_PACKAGES.stream().anyMatch(entry::startsWith))
            .findFirst()
            .ifPresent(entry -> found.add(name + " holds " + entry));
      }
    }
    assertThat(found).as("on the image's class path").isEmpty();
  }

  @Test
  void theImagesOwnClassesHoldNoDemoClusterOrEval() throws IOException {
    Path classes = Path.of("target", "classes", "dev", "pitcrew", "bot");
    assertThat(classes.resolve("Main.class")).exists();
    try (Stream<Path> all = Files.walk(classes)) {
      assertThat(all.map(p -> classes.relativize(p).toString().replace('\\', '/')))
          .noneMatch(p -> p.startsWith("demo/") || p.startsWith("eval/"))
          .noneMatch(p -> p.startsWith("EvalCommand"));
    }
  }
}
