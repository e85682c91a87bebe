package dev.pitcrew.bot.http;

import dev.pitcrew.bot.concurrent.Threads;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /readyz} from cached probes. Each check runs in the background on its own schedule (a
 * cluster or Slack that hangs delays only its own check), and a request only reads the last
 * answers: a probe storm never turns into a Slack or API-server storm.
 */
public final class Readiness implements HttpRoute, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Readiness.class);
  private static final String NOT_YET = "not checked yet";

  /**
   * One dependency.
   *
   * @param first the first answer: what start-up already learned (no second call), or the probe
   * @param probe what is wrong with it now, or empty when it answers; may block on the network
   */
  public record Check(
      String name,
      Duration every,
      Supplier<Optional<String>> first,
      Supplier<Optional<String>> probe) {
    /** A check whose first answer is a probe like the others. */
    public Check(String name, Duration every, Supplier<Optional<String>> probe) {
      this(name, every, probe, probe);
    }
  }

  private final List<Check> checks;
  private final Map<String, String> problems = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;

  private Readiness(List<Check> checks) {
    this.checks = List.copyOf(checks);
    this.scheduler =
        Executors.newScheduledThreadPool(checks.size(), Threads.daemon("pitcrew-readiness"));
  }

  /** Takes each check's first answer at once, then probes on each check's schedule. */
  public static Readiness start(List<Check> checks) {
    Readiness readiness = new Readiness(checks);
    for (Check check : readiness.checks) {
      readiness.problems.put(check.name(), NOT_YET);
      // The schedule starts after the first answer, so a late first answer never overwrites a
      // newer probe's.
      readiness.scheduler.execute(
          () -> {
            readiness.probe(check, check.first());
            readiness.scheduler.scheduleWithFixedDelay(
                () -> readiness.probe(check, check.probe()),
                check.every().toMillis(),
                check.every().toMillis(),
                TimeUnit.MILLISECONDS);
          });
    }
    return readiness;
  }

  private void probe(Check check, Supplier<Optional<String>> answer) {
    Optional<String> problem;
    try {
      problem = answer.get();
    } catch (RuntimeException e) {
      problem = Optional.of(e.toString());
    }
    String before =
        problem.isPresent()
            ? problems.put(check.name(), problem.get())
            : problems.remove(check.name());
    boolean changed = !java.util.Objects.equals(before, problem.orElse(null));
    if (changed && problem.isPresent()) {
      log.warn("not ready: {}: {}", check.name(), problem.get());
    } else if (changed) {
      log.info("{} answers", check.name());
    }
  }

  /** The checks that fail now, by name, in the order they were given. */
  public Map<String, String> problems() {
    Map<String, String> now = new LinkedHashMap<>();
    for (Check check : checks) {
      String problem = problems.get(check.name());
      if (problem != null) {
        now.put(check.name(), problem);
      }
    }
    return now;
  }

  @Override
  public HttpReply handle(
      String method, Map<String, List<String>> headers, String query, byte[] body) {
    Map<String, String> now = problems();
    if (now.isEmpty()) {
      return HttpReply.text(200, "ready");
    }
    StringBuilder text = new StringBuilder("not ready");
    now.forEach((name, problem) -> text.append("\n").append(name).append(": ").append(problem));
    return HttpReply.text(503, text.toString());
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
