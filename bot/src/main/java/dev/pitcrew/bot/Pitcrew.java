package dev.pitcrew.bot;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.pitcrew.approvals.ApprovalPolicy;
import dev.pitcrew.approvals.ApprovalStore;
import dev.pitcrew.approvals.Approvals;
import dev.pitcrew.bot.agent.Agent;
import dev.pitcrew.bot.audit.Audit;
import dev.pitcrew.bot.audit.AuditSink;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.core.ApprovalFlow;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.Assistant;
import dev.pitcrew.bot.core.Conversations;
import dev.pitcrew.bot.core.ToolRunner;
import dev.pitcrew.bot.http.HttpFrontend;
import dev.pitcrew.bot.http.HttpReply;
import dev.pitcrew.bot.slack.SlackBot;
import dev.pitcrew.remediations.Remediations;
import dev.pitcrew.remediations.RolloutWatch;
import dev.pitcrew.runbooks.RunbookCatalog;
import dev.pitcrew.runbooks.RunbookSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The composition root: wires configuration, cluster, Slack and the LLM into a running bot. */
public final class Pitcrew implements AutoCloseable {
  /** Agent iterations per question before giving up. */
  static final int MAX_ITERATIONS = 8;

  private final HttpFrontend http;
  private final ExecutorService workers;
  private final RolloutWatch rollouts;

  private Pitcrew(HttpFrontend http, ExecutorService workers, RolloutWatch rollouts) {
    this.http = http;
    this.workers = workers;
    this.rollouts = rollouts;
  }

  public static Builder builder(Config config, KubernetesClient kubernetes) {
    return new Builder(config, kubernetes);
  }

  public int port() {
    return http.port();
  }

  @Override
  public void close() {
    http.close();
    rollouts.close();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Builds and starts Pitcrew; tests replace the clock. */
  public static final class Builder {
    private final Config config;
    private final KubernetesClient kubernetes;
    private Clock clock = Clock.systemUTC();
    private String bindAddress = "0.0.0.0";
    private boolean serverSideDryRun = true;
    private Duration rolloutPoll = Duration.ofSeconds(2);

    private Builder(Config config, KubernetesClient kubernetes) {
      this.config = config;
      this.kubernetes = kubernetes;
    }

    Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** For API servers that ignore dry run (Fabric8's mock applies dry-run writes). */
    Builder withoutServerSideDryRun() {
      this.serverSideDryRun = false;
      return this;
    }

    Builder rolloutPoll(Duration every) {
      this.rolloutPoll = every;
      return this;
    }

    /** Where the HTTP server listens; all interfaces unless set. */
    public Builder bindAddress(String address) {
      this.bindAddress = address;
      return this;
    }

    /**
     * Starts the bot.
     *
     * @throws dev.pitcrew.runbooks.RunbookException if a runbook is broken (file, line, reason)
     */
    public Pitcrew start() throws IOException {
      Remediations.Options options = Remediations.Options.defaults().withClock(clock);
      if (!serverSideDryRun) {
        options = options.withoutDryRun();
      }
      List<RunbookSource> sources = new ArrayList<>(RunbookSource.shipped());
      config.runbooksDirectory().ifPresent(dir -> sources.addAll(RunbookSource.directory(dir)));
      RunbookCatalog catalog =
          RunbookCatalog.load(Remediations.all(kubernetes, options), sources)
              .protecting(config.namespace().map(Set::of).orElse(Set.of()));
      RolloutWatch rollouts = RolloutWatch.create(kubernetes, clock, rolloutPoll);
      Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
      Approvals approvals =
          new Approvals(
              ApprovalStore.inMemory(ticker, Duration.ofDays(2)),
              new ApprovalPolicy(config.approvers(), false, config.approvalExpiry()),
              clock);

      SlackBot slack =
          SlackBot.create(
              config.slackBotToken(), config.slackSigningSecret(), config.slackApiUrl(), clock);
      List<AuditSink> sinks = new ArrayList<>();
      config.auditChannel().ifPresent(channel -> sinks.add(slack.auditSink(channel)));
      Audit audit = new Audit(clock, sinks);

      ApprovalFlow flow = new ApprovalFlow(approvals, catalog, slack.surface(), audit, rollouts);
      ToolRunner tools = new ToolRunner(catalog, flow, audit);
      Optional<Assistant> assistant =
          config
              .llm()
              .map(
                  llm -> new Agent(Agent.client(llm), llm.model(), catalog, tools, MAX_ITERATIONS));
      Conversations conversations = new Conversations(assistant, slack.surface(), audit);

      ExecutorService workers = workers();
      slack.start(
          new SlackBot.Handlers() {
            @Override
            public void ask(Ask ask, String question) {
              conversations.handle(ask, question);
            }

            @Override
            public void approve(String approvalId, String user, String channel) {
              flow.approve(approvalId, user, channel);
            }

            @Override
            public void deny(String approvalId, String user, String channel) {
              flow.deny(approvalId, user, channel);
            }
          },
          workers);

      HttpFrontend http =
          HttpFrontend.start(
              new InetSocketAddress(bindAddress, config.port()),
              Map.of(
                  "/slack/events", slack,
                  "/healthz", (method, headers, query, body) -> HttpReply.text(200, "ok"),
                  "/readyz", (method, headers, query, body) -> HttpReply.text(200, "ready")));
      return new Pitcrew(http, workers, rollouts);
    }

    /** Bounded: a flood of requests is refused with a message, not queued forever. */
    private static ExecutorService workers() {
      AtomicInteger n = new AtomicInteger();
      return new ThreadPoolExecutor(
          8,
          8,
          60,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(200),
          r -> {
            Thread t = new Thread(r, "pitcrew-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          },
          new ThreadPoolExecutor.AbortPolicy());
    }
  }
}
