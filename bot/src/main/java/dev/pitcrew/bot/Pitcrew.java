package dev.pitcrew.bot;

import dev.pitcrew.approvals.AccessPolicy;
import dev.pitcrew.approvals.AlertPolicy;
import dev.pitcrew.approvals.ApprovalStore;
import dev.pitcrew.approvals.Claims;
import dev.pitcrew.approvals.GroupDirectory;
import dev.pitcrew.bot.alerts.AlertIntake;
import dev.pitcrew.bot.alerts.AlertThreads;
import dev.pitcrew.bot.audit.AsyncAuditSink;
import dev.pitcrew.bot.audit.AuditSink;
import dev.pitcrew.bot.concurrent.Threads;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.core.ApprovalPath;
import dev.pitcrew.bot.core.Conversations;
import dev.pitcrew.bot.http.HttpFrontend;
import dev.pitcrew.bot.http.HttpReply;
import dev.pitcrew.bot.http.HttpRoute;
import dev.pitcrew.bot.http.Readiness;
import dev.pitcrew.bot.kube.ClusterClients;
import dev.pitcrew.bot.kube.Clusters;
import dev.pitcrew.bot.slack.AskCommand;
import dev.pitcrew.bot.slack.AskGate;
import dev.pitcrew.bot.slack.DecisionButtons;
import dev.pitcrew.bot.slack.Mentions;
import dev.pitcrew.bot.slack.SlackBot;
import dev.pitcrew.bot.slack.WorkspaceCheck;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The composition root: wires configuration, cluster, Slack and the LLM into a running bot. */
public final class Pitcrew implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Pitcrew.class);

  private final HttpFrontend http;
  private final ExecutorService workers;
  private final Core core;
  private final SlackBot slack;
  private final Readiness readiness;
  private final Optional<AsyncAuditSink> auditFeed;
  private final List<ExecutorService> alertPools;

  private Pitcrew(
      HttpFrontend http,
      ExecutorService workers,
      Core core,
      SlackBot slack,
      Readiness readiness,
      Optional<AsyncAuditSink> auditFeed,
      List<ExecutorService> alertPools) {
    this.http = http;
    this.workers = workers;
    this.core = core;
    this.slack = slack;
    this.readiness = readiness;
    this.auditFeed = auditFeed;
    this.alertPools = alertPools;
  }

  public static Builder builder(Config config, KubernetesClient kubernetes) {
    return new Builder(config, CompletableFuture.completedFuture(kubernetes));
  }

  /**
   * As {@link #builder(Config, KubernetesClient)}, with a client still being built: start-up sets
   * up Slack meanwhile (building Fabric8's client takes about half a second).
   */
  static Builder builder(Config config, CompletableFuture<KubernetesClient> kubernetes) {
    return new Builder(config, kubernetes);
  }

  public int port() {
    return http.port();
  }

  /** Whether events arrive over Socket Mode rather than {@code POST /slack/events}. */
  public boolean socketMode() {
    return slack.socketMode();
  }

  /** What {@code /readyz} reports failing now, by check name; empty when ready. */
  public Map<String, String> notReady() {
    return readiness.problems();
  }

  @Override
  public void close() {
    slack.close(); // no new events over the socket
    http.close(); // nor over HTTP
    alertPools.forEach(ExecutorService::shutdownNow); // Alertmanager re-sends what was not done
    readiness.close();
    workers.shutdown(); // let running work finish before its dependencies go
    try {
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
    core.close();
    auditFeed.ifPresent(AsyncAuditSink::close); // what is queued still goes out, briefly
  }

  /** Builds and starts Pitcrew; tests replace the clock. */
  public static final class Builder {
    private final Config config;
    private final CompletableFuture<KubernetesClient> client;
    private Clock clock = Clock.systemUTC();
    private String bindAddress = "0.0.0.0";
    private Duration rolloutPoll = Duration.ofSeconds(2);
    private Duration sweepEvery = Duration.ofSeconds(30);
    private Map<String, KubernetesClient> namedClusters;
    private CompletableFuture<Optional<String>> kubernetesAtStart;
    private Duration alertRetryEvery = Duration.ofSeconds(2);

    private Builder(Config config, CompletableFuture<KubernetesClient> kubernetes) {
      this.config = config;
      this.client = kubernetes;
    }

    /**
     * What start-up's own first request to the API server found (empty when it answered): the
     * readiness probe takes it as its first answer instead of asking {@code /version} again.
     */
    Builder kubernetesAtStart(CompletableFuture<Optional<String>> answer) {
      this.kubernetesAtStart = answer;
      return this;
    }

    /** How soon a resolved alert whose thread is still being opened is looked at again. */
    Builder alertRetryEvery(Duration every) {
      this.alertRetryEvery = every;
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    Builder rolloutPoll(Duration every) {
      this.rolloutPoll = every;
      return this;
    }

    Builder sweepEvery(Duration every) {
      this.sweepEvery = every;
      return this;
    }

    /** These named clusters instead of the ones {@code PITCREW_CLUSTERS} configures. */
    Builder clusters(Map<String, KubernetesClient> named) {
      this.namedClusters = new LinkedHashMap<>(named);
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
      SlackBot slack =
          SlackBot.create(
              config.slackBotToken(),
              config.slackSigningSecret(),
              config.slackAppToken(),
              config.slackApiUrl(),
              clock);
      KubernetesClient kubernetes = client.join();
      List<AuditSink> sinks = new ArrayList<>();
      // The audit channel is fed from a queue: recording an event never waits on Slack.
      Optional<AsyncAuditSink> auditFeed =
          config
              .auditChannel()
              .map(
                  channel ->
                      new AsyncAuditSink(
                          slack.auditSink(channel), 10_000, Threads.daemon("pitcrew-audit-feed")));
      auditFeed.ifPresent(sinks::add);
      GroupDirectory groups = slack.groups(clock);
      Clusters clusters =
          Clusters.named(
              kubernetes,
              namedClusters != null ? namedClusters : ClusterClients.build(config.clusters()));
      boolean shared = config.approvalStore() == Config.ApprovalStoreKind.KUBERNETES;
      // Metrics exist once the core does; a stored request rejected before then is only logged.
      java.util.concurrent.atomic.AtomicReference<dev.pitcrew.bot.metrics.Metrics> counted =
          new java.util.concurrent.atomic.AtomicReference<>();
      ApprovalStore store =
          shared
              ? ApprovalStore.kubernetes(
                  kubernetes,
                  config.namespace().orElseThrow(),
                  clock,
                  config.storeSeal(),
                  problem -> {
                    log.error("approval store: {}", problem);
                    java.util.Optional.ofNullable(counted.get()).ifPresent(m -> m.storeRejected());
                  })
              : Core.memoryStore(clock);
      // Beside the approvals, so that every replica sharing those shares these.
      Claims claims =
          shared
              ? Claims.kubernetes(kubernetes, config.namespace().orElseThrow(), clock)
              : Claims.inMemory(clock);
      Core core =
          Core.create(
              Core.settings()
                  .llm(config.llm())
                  .policy(config.policies().approvals().withGroups(groups))
                  .store(store)
                  .claims(claims)
                  .clock(clock)
                  .rolloutPoll(rolloutPoll)
                  .sweepEvery(sweepEvery)
                  .protectedNamespace(config.namespace())
                  .runbooksDirectory(config.runbooksDirectory())
                  .enabledRunbooks(config.enabledRunbooks())
                  .approvalRetention(config.approvalRetention())
                  .people(
                      new Core.People(
                          config.policies().access(),
                          config.policies().kubernetes(),
                          slack.users(clock),
                          groups))
                  .masking(config.policies().masking())
                  .limits(config.policies().limits())
                  .refuseGitOps(config.policies().refuseGitOps())
                  .build(),
              clusters,
              slack.surface(),
              sinks);
      auditFeed.ifPresent(feed -> core.metrics.auditFeed(feed));
      counted.set(core.metrics);
      try {
        config.policies().requireLoaded(core.loadedRunbooks); // a typo must not fall back silently
      } catch (RuntimeException e) {
        core.close();
        throw e;
      }
      AccessPolicy access = config.policies().access();
      Conversations conversations = core.conversations;
      ApprovalPath path = core.path;

      ExecutorService workers = workers();
      AskGate gate = new AskGate(access, groups, core.audit);
      slack.start(
          new WorkspaceCheck(slack::identity, access.teams(), core.metrics::foreignPayload),
          new AskCommand(gate, conversations, slack.surface(), workers),
          new DecisionButtons(path, core.approvals, gate, slack.surface(), workers),
          new Mentions(claims, gate, conversations, slack.surface(), workers));

      Readiness readiness =
          Readiness.start(
              List.of(
                  new Readiness.Check(
                      "slack",
                      slack.socketMode() ? Duration.ofSeconds(1) : Duration.ofSeconds(30),
                      slack::problemAtStart,
                      slack::problem),
                  new Readiness.Check(
                      "kubernetes",
                      Duration.ofSeconds(10),
                      kubernetesAtStart == null
                          ? () -> kubernetesProblem(kubernetes)
                          : kubernetesAtStart::join,
                      () -> kubernetesProblem(kubernetes))));
      Map<String, HttpRoute> routes = new LinkedHashMap<>();
      if (!slack.socketMode()) {
        routes.put("/slack/events", slack);
      }
      List<ExecutorService> alertPools = new ArrayList<>();
      if (config.alertToken().isPresent()) {
        routes.put(
            "/alerts/alertmanager",
            alerts(config.alertToken().get(), core, claims, slack, alertPools));
      }
      if (config.policies().mcp().enabled()) {
        routes.put("/mcp", mcp(config.policies().mcp(), core, gate, slack));
      }
      routes.put("/healthz", (method, headers, query, body) -> HttpReply.text(200, "ok"));
      routes.put("/readyz", readiness);
      routes.put(
          "/metrics",
          (method, headers, query, body) ->
              new HttpReply(
                  200,
                  "text/plain; version=0.0.4; charset=utf-8",
                  core.metrics.scrape(),
                  Map.of()));
      HttpFrontend http =
          HttpFrontend.start(new InetSocketAddress(bindAddress, config.port()), routes);
      return new Pitcrew(http, workers, core, slack, readiness, auditFeed, alertPools);
    }

    /**
     * The MCP endpoint: agents call the runbooks through the same tool path as the model, as the
     * person the policy maps their token to; their proposals open a thread in {@code mcp.channel}.
     */
    private dev.pitcrew.bot.mcp.McpEndpoint mcp(
        dev.pitcrew.approvals.McpPolicy policy, Core core, AskGate gate, SlackBot slack) {
      var endpoint =
          new dev.pitcrew.bot.mcp.McpEndpoint(policy, dev.pitcrew.bot.mcp.McpTools.mapper(), clock);
      dev.pitcrew.bot.mcp.McpTools.serve(
          endpoint,
          new dev.pitcrew.bot.mcp.McpTools(
              core.catalog,
              core.tools,
              core.approvals,
              core.audit,
              policy.channel().orElseThrow(),
              slack.surface()::postRoot,
              gate::refusal,
              core.usage),
          VersionCommand.version());
      return endpoint;
    }

    /**
     * The alert endpoint: its own small pools, so an alert storm neither waits behind nor starves
     * the {@code /ask} workers.
     */
    private AlertIntake alerts(
        String token, Core core, Claims claims, SlackBot slack, List<ExecutorService> pools) {
      AlertPolicy policy = config.policies().alerts();
      List<String> named = new ArrayList<>(policy.evidence());
      policy.routes().forEach(r -> r.evidence().ifPresent(named::addAll));
      for (String name : named) {
        core.catalog
            .find(name)
            .filter(r -> r.risk() != dev.pitcrew.remediations.Risk.READ)
            .ifPresent(
                r -> {
                  throw new dev.pitcrew.approvals.PolicyException(
                      "alerts: evidence names "
                          + name
                          + ", which changes the cluster; evidence runs without an approval, so"
                          + " only read-only runbooks may be named");
                });
      }
      ThreadPoolExecutor workers =
          new ThreadPoolExecutor(
              4,
              4,
              60,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(500),
              Threads.daemon("pitcrew-alerts"),
              new ThreadPoolExecutor.AbortPolicy());
      java.util.concurrent.ScheduledExecutorService retries =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
              Threads.daemon("pitcrew-alert-retries"));
      pools.add(workers);
      pools.add(retries);
      AlertThreads threads =
          new AlertThreads(
              claims,
              policy,
              config.alertChannel(),
              slack.surface(),
              core.conversations,
              core.catalog,
              core.metrics,
              clock,
              retries,
              alertRetryEvery,
              core.path.sweeps()::notePending);
      return new AlertIntake(token, policy, threads, workers, core.metrics);
    }

    /** What keeps the API server from answering {@code /version}, or empty when it answers. */
    static Optional<String> kubernetesProblem(KubernetesClient kubernetes) {
      try {
        // /version needs no RBAC beyond being authenticated: any working client may read it.
        kubernetes.getKubernetesVersion();
        return Optional.empty();
      } catch (RuntimeException e) {
        return Optional.of(
            "the Kubernetes API at "
                + dev.pitcrew.bot.config.Urls.loggable(kubernetes.getMasterUrl())
                + " does not answer: "
                + e.getMessage());
      }
    }

    /** Bounded: a flood of requests is refused with a message, not queued forever. */
    private static ExecutorService workers() {
      return new ThreadPoolExecutor(
          8,
          8,
          60,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(200),
          Threads.daemon("pitcrew-worker"),
          new ThreadPoolExecutor.AbortPolicy());
    }
  }
}
