package dev.pitcrew.bot.bench;

import dev.pitcrew.bot.agent.AgentBenchmark;
import dev.pitcrew.bot.demo.DemoCluster;
import dev.pitcrew.bot.testing.FakeSlack;
import dev.pitcrew.bot.testing.SignedSlack;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The start-up and memory benchmark the project ships (not a test): {@code bot/target/pitcrew.jar}
 * started as its users start it, side by side with the bare Bolt floor ({@link BoltFloor#main}) in
 * a process of its own, each run several times. Start to ready is from launching the JVM to the
 * first 200 of {@code /readyz} (Pitcrew: Slack identity learned, Kubernetes answering) or the first
 * answer of the floor's HTTP server; RSS (VmRSS from /proc) after 3 s idle and after 1,000 explicit
 * asks at 50/s. The fake Slack answers at once; the cluster is the embedded demo's. The rows with
 * the image's flags run the image's class path (bot and its runtime dependencies), not the jar.
 *
 * <pre>
 * mvn -B -q install -DskipTests && mvn -B -q -pl demo exec:java@startup-benchmark [-Dexec.args=RUNS]
 * </pre>
 */
public final class StartupBenchmark {
  static final String SECRET = "benchmark-secret";

  /**
   * The JVM flags the image runs with (bot/pom.xml, jib jvmFlags), heap capped as the chart's limit
   * does.
   */
  static final List<String> CHART_FLAGS =
      List.of(
          "-XX:MaxRAMPercentage=75.0",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-Xss512k",
          "-XX:-UsePerfData",
          "-XX:MaxRAM=512m");

  private StartupBenchmark() {}

  record Run(double readyMs, long idleKib, long busyKib) {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path bot = Files.isDirectory(Path.of("bot", "target")) ? Path.of("bot") : Path.of("..", "bot");
    Path jar = bot.resolve("target/pitcrew.jar");
    Path imageClassPath = bot.resolve("target/image-classpath.txt");
    if (!Files.exists(jar) || !Files.exists(imageClassPath)) {
      throw new IllegalStateException("build first: mvn -B -q install -DskipTests");
    }
    // What the image runs: bot's jar and its runtime class path (no demo, no mock server), as
    // Jib's entrypoint does (java -cp @/app/jib-classpath-file dev.pitcrew.bot.Main).
    Path botJar;
    try (var jars = Files.list(bot.resolve("target"))) {
      botJar =
          jars.filter(
                  p -> {
                    String n = p.getFileName().toString();
                    return n.startsWith("bot-") && n.endsWith(".jar") && !n.endsWith("-tests.jar");
                  })
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no bot jar: mvn -B -q install"));
    }
    List<String> image =
        List.of(
            "-cp",
            botJar + File.pathSeparator + Files.readString(imageClassPath).trim(),
            "dev.pitcrew.bot.Main");
    String classPath =
        Arrays.stream(((URLClassLoader) Thread.currentThread().getContextClassLoader()).getURLs())
            .map(u -> Path.of(URI.create(u.toString())).toString())
            .collect(Collectors.joining(File.pathSeparator));
    try (FakeSlack slack = new FakeSlack();
        DemoCluster demo = DemoCluster.start(Clock.systemUTC())) {
      String master = demo.client().getMasterUrl().toString();
      System.out.printf(
          Locale.ROOT, "Start-up and memory benchmark: %d runs each, medians (min-max)%n", runs);
      List<String> java =
          List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      measure(
          "floor (Bolt, java -cp)",
          runs,
          slack,
          master,
          port -> concat(java, List.of("-cp", classPath, BoltFloor.class.getName())),
          false);
      Path j = jar;
      measure(
          "Pitcrew java -jar",
          runs,
          slack,
          master,
          port -> concat(java, List.of("-jar", j.toString())),
          true);
      // -Dbenchmark.flags="-XX:... -XX:..." tries other flags in place of the image's.
      List<String> flags =
          System.getProperty("benchmark.flags") == null
              ? CHART_FLAGS
              : List.of(System.getProperty("benchmark.flags").trim().split("\\s+"));
      measure(
          flags == CHART_FLAGS ? "Pitcrew, image's JVM flags" : "Pitcrew, " + flags,
          runs,
          slack,
          master,
          port -> concat(java, concat(flags, image)),
          true);
      // As the chart runs it: an archive written by a cds-train run with the same JVM and flags
      // (the chart's init container), then every start maps it.
      Path archive = Files.createTempDirectory("pitcrew-cds").resolve("pitcrew.jsa");
      Process train =
          new ProcessBuilder(
                  concat(
                      java,
                      concat(
                          flags,
                          concat(
                              List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off"),
                              concat(image, List.of("cds-train"))))))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (train.waitFor() != 0 || !Files.exists(archive)) {
        throw new IllegalStateException("cds-train failed: exit " + train.exitValue());
      }
      List<String> withArchive = concat(flags, List.of("-XX:SharedArchiveFile=" + archive));
      measure(
          "Pitcrew, image's flags + CDS",
          runs,
          slack,
          master,
          port -> concat(java, concat(withArchive, image)),
          true);
    }
  }

  interface Command {
    List<String> forPort(int port);
  }

  private static void measure(
      String name, int runs, FakeSlack slack, String master, Command command, boolean readyz)
      throws Exception {
    List<Run> results = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      results.add(once(slack, master, command, readyz));
    }
    System.out.printf(
        Locale.ROOT,
        "  %-28s start to ready %s ms | RSS idle %s MiB, after 1,000 asks %s MiB%n",
        name,
        spread(results.stream().map(Run::readyMs).toList(), 0),
        spread(results.stream().map(r -> r.idleKib() / 1024.0).toList(), 0),
        spread(results.stream().map(r -> r.busyKib() / 1024.0).toList(), 0));
  }

  private static Run once(FakeSlack slack, String master, Command command, boolean readyz)
      throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ProcessBuilder builder = new ProcessBuilder(command.forPort(port));
    Map<String, String> env = builder.environment();
    env.put("SLACK_BOT_TOKEN", "xoxb-benchmark");
    env.put("SLACK_SIGNING_SECRET", SECRET);
    env.put("SLACK_API_URL", slack.apiUrl());
    env.put("PORT", String.valueOf(port));
    env.put("KUBERNETES_MASTER", master);
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.remove("KUBECONFIG");
    env.remove("OPENAI_API_KEY");
    env.remove("OPENAI_BASE_URL");
    // -Dbenchmark.log=FILE keeps what the processes print, to see where start-up time goes.
    String log = System.getProperty("benchmark.log");
    builder
        .redirectErrorStream(true)
        .redirectOutput(
            log == null
                ? ProcessBuilder.Redirect.DISCARD
                : ProcessBuilder.Redirect.appendTo(new File(log)));
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    URI probe = URI.create("http://127.0.0.1:" + port + (readyz ? "/readyz" : "/slack/events"));
    long start = System.nanoTime();
    Process process = builder.start();
    try {
      double readyMs = -1;
      long deadline = start + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline && process.isAlive()) {
        try {
          int status =
              client
                  .send(
                      HttpRequest.newBuilder(probe).build(), HttpResponse.BodyHandlers.discarding())
                  .statusCode();
          if (!readyz || status == 200) {
            readyMs = (System.nanoTime() - start) / 1e6;
            break;
          }
        } catch (java.io.IOException notYet) {
          // not listening yet
        }
        TimeUnit.MILLISECONDS.sleep(5); // the probe's pace, as a kubelet's would be
      }
      if (readyMs < 0) {
        throw new IllegalStateException("not ready within 60 s: " + command.forPort(port));
      }
      TimeUnit.SECONDS.sleep(3);
      long idle = rssKib(process.pid());
      asks(port, 1_000, 50);
      long busy = rssKib(process.pid());
      return new Run(readyMs, idle, busy);
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** {@code total} explicit asks at {@code rate} per second; waits for every acknowledgement. */
  private static void asks(int port, int total, int rate) throws Exception {
    SignedSlack signed = new SignedSlack(port, SECRET, Clock.systemUTC());
    int answered =
        OpenLoop.run(
            HttpClient.newHttpClient(),
            rate,
            total,
            () ->
                signed.signed(
                    SignedSlack.slashCommandBody(
                        "UBENCH", "CBENCH", "run deployment_status namespace=shop name=cart")),
            a -> {},
            Duration.ofSeconds(30));
    if (answered < total) {
      throw new IllegalStateException(answered + " of " + total + " asks acknowledged in time");
    }
    TimeUnit.SECONDS.sleep(2); // let the workers finish what was acknowledged
  }

  private static long rssKib(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for " + pid);
  }

  private static String spread(List<Double> values, int decimals) {
    String f = "%." + decimals + "f";
    return String.format(Locale.ROOT, f, AgentBenchmark.median(values))
        + " ("
        + String.format(Locale.ROOT, f, values.stream().mapToDouble(d -> d).min().orElse(0))
        + "-"
        + String.format(Locale.ROOT, f, values.stream().mapToDouble(d -> d).max().orElse(0))
        + ")";
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
