package dev.pitcrew.bot;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.pitcrew.approvals.AccessPolicy;
import dev.pitcrew.approvals.ApprovalPolicy;
import dev.pitcrew.approvals.ApprovalStore;
import dev.pitcrew.approvals.Approvals;
import dev.pitcrew.approvals.Claims;
import dev.pitcrew.approvals.GroupDirectory;
import dev.pitcrew.approvals.KubernetesIdentity;
import dev.pitcrew.approvals.MaskingPolicy;
import dev.pitcrew.approvals.UsageLimits;
import dev.pitcrew.bot.agent.Agent;
import dev.pitcrew.bot.audit.Audit;
import dev.pitcrew.bot.audit.AuditSink;
import dev.pitcrew.bot.concurrent.Threads;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.core.ApprovalPath;
import dev.pitcrew.bot.core.Assistant;
import dev.pitcrew.bot.core.Conversations;
import dev.pitcrew.bot.core.Surface;
import dev.pitcrew.bot.core.ToolRunner;
import dev.pitcrew.bot.core.Usage;
import dev.pitcrew.bot.kube.Clusters;
import dev.pitcrew.bot.kube.Identities;
import dev.pitcrew.bot.kube.Targets;
import dev.pitcrew.bot.kube.UserDirectory;
import dev.pitcrew.bot.metrics.Metrics;
import dev.pitcrew.remediations.Masking;
import dev.pitcrew.remediations.Remediations;
import dev.pitcrew.remediations.RolloutWatch;
import dev.pitcrew.runbooks.RunbookCatalog;
import dev.pitcrew.runbooks.RunbookSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Everything but the chat platform: runbooks, approvals, audit, the agent and the conversation
 * logic. Slack and the terminal shell each build one around their own {@link Surface}.
 */
final class Core implements AutoCloseable {
  private static final org.slf4j.Logger log = LoggerFactory.getLogger(Core.class);

  /** What a core needs besides the cluster and the surface. */
  record Settings(
      Optional<Config.Llm> llm,
      ApprovalPolicy policy,
      ApprovalStore store,
      Claims claims,
      Clock clock,
      Duration rolloutPoll,
      Duration sweepEvery,
      Optional<String> protectedNamespace,
      Optional<Path> runbooksDirectory,
      Optional<Set<String>> enabledRunbooks,
      Duration approvalRetention,
      People people,
      MaskingPolicy masking,
      UsageLimits limits,
      boolean refuseGitOps) {}

  /** Settings with defaults: no model, nobody approves, stores in this process, system clock. */
  static SettingsBuilder settings() {
    return new SettingsBuilder();
  }

  /** Builds {@link Settings}; each setting left alone keeps its default. */
  static final class SettingsBuilder {
    private Optional<Config.Llm> llm = Optional.empty();
    private ApprovalPolicy policy = ApprovalPolicy.of(Set.of());
    private ApprovalStore store;
    private Claims claims;
    private Clock clock = Clock.systemUTC();
    private Duration rolloutPoll = Duration.ofSeconds(2);
    private Duration sweepEvery = Duration.ofSeconds(30);
    private Optional<String> protectedNamespace = Optional.empty();
    private Optional<Path> runbooksDirectory = Optional.empty();
    private Optional<Set<String>> enabledRunbooks = Optional.empty();
    private Duration approvalRetention = Config.DEFAULT_APPROVAL_RETENTION;
    private People people = People.ownRights();
    private MaskingPolicy masking = MaskingPolicy.none();
    private UsageLimits limits = UsageLimits.defaults();
    private boolean refuseGitOps;

    SettingsBuilder llm(Optional<Config.Llm> value) {
      llm = value;
      return this;
    }

    SettingsBuilder policy(ApprovalPolicy value) {
      policy = value;
      return this;
    }

    /** Default: in this process, kept two days. */
    SettingsBuilder store(ApprovalStore value) {
      store = value;
      return this;
    }

    /** Default: in this process. */
    SettingsBuilder claims(Claims value) {
      claims = value;
      return this;
    }

    SettingsBuilder clock(Clock value) {
      clock = value;
      return this;
    }

    SettingsBuilder rolloutPoll(Duration value) {
      rolloutPoll = value;
      return this;
    }

    SettingsBuilder sweepEvery(Duration value) {
      sweepEvery = value;
      return this;
    }

    SettingsBuilder protectedNamespace(Optional<String> value) {
      protectedNamespace = value;
      return this;
    }

    SettingsBuilder runbooksDirectory(Optional<Path> value) {
      runbooksDirectory = value;
      return this;
    }

    SettingsBuilder enabledRunbooks(Optional<Set<String>> value) {
      enabledRunbooks = value;
      return this;
    }

    SettingsBuilder approvalRetention(Duration value) {
      approvalRetention = value;
      return this;
    }

    SettingsBuilder people(People value) {
      people = value;
      return this;
    }

    SettingsBuilder masking(MaskingPolicy value) {
      masking = value;
      return this;
    }

    SettingsBuilder limits(UsageLimits value) {
      limits = value;
      return this;
    }

    /** Default: a change Argo CD or Flux would revert gets a warning, not a refusal. */
    SettingsBuilder refuseGitOps(boolean value) {
      refuseGitOps = value;
      return this;
    }

    Settings build() {
      return new Settings(
          llm,
          policy,
          store != null ? store : memoryStore(clock),
          claims != null ? claims : Claims.inMemory(clock),
          clock,
          rolloutPoll,
          sweepEvery,
          protectedNamespace,
          runbooksDirectory,
          enabledRunbooks,
          approvalRetention,
          people,
          masking,
          limits,
          refuseGitOps);
    }
  }

  /** Who may use what, and as whom their calls run. */
  record People(
      AccessPolicy access,
      KubernetesIdentity identity,
      UserDirectory users,
      GroupDirectory groups) {
    /** Everyone may use every runbook, as Pitcrew's own service account. */
    static People ownRights() {
      return new People(
          AccessPolicy.open(),
          KubernetesIdentity.bot(),
          UserDirectory.none(),
          GroupDirectory.none());
    }
  }

  final RunbookCatalog catalog;

  /** Every runbook loaded, enabled or not: what a policy file may name. */
  final Set<String> loadedRunbooks;

  final Approvals approvals;
  final Audit audit;
  final ApprovalPath path;
  final Conversations conversations;

  /** Runs one tool call, whoever made it: the model, an explicit command, an MCP client. */
  final ToolRunner tools;

  /** Each person's hourly budget, whichever way they ask. */
  final Usage usage;

  final Metrics metrics;
  private final RolloutWatch rollouts;
  private final List<ExecutorService> pools;
  private final Clusters clusters;
  private final List<java.util.function.Consumer<String>> modelInput;

  /** Hears the messages of every request sent to the model, as sent: for the eval's safety gate. */
  void onModelInput(java.util.function.Consumer<String> listener) {
    modelInput.add(listener);
  }

  private Core(
      RunbookCatalog catalog,
      Set<String> loadedRunbooks,
      Approvals approvals,
      Audit audit,
      ApprovalPath path,
      Conversations conversations,
      ToolRunner tools,
      Usage usage,
      Metrics metrics,
      RolloutWatch rollouts,
      List<ExecutorService> pools,
      Clusters clusters,
      List<java.util.function.Consumer<String>> modelInput) {
    this.clusters = clusters;
    this.modelInput = modelInput;
    this.metrics = metrics;
    this.pools = pools;
    this.catalog = catalog;
    this.loadedRunbooks = Set.copyOf(loadedRunbooks);
    this.approvals = approvals;
    this.audit = audit;
    this.path = path;
    this.conversations = conversations;
    this.tools = tools;
    this.usage = usage;
    this.rollouts = rollouts;
  }

  /**
   * @throws dev.pitcrew.runbooks.RunbookException if a runbook is broken (file, line, reason)
   */
  static Core create(Settings settings, Clusters clusters, Surface surface, List<AuditSink> sinks) {
    Clock clock = settings.clock();
    KubernetesClient kubernetes = clusters.home();
    Metrics metrics = Metrics.prometheus();
    // Compiled once; every action, on every cluster and identity, masks what it returns with it.
    Masking masking = masking(settings.masking(), metrics);
    Remediations.Options options =
        Remediations.Options.defaults()
            .withClock(clock)
            .withMasking(masking)
            .withGitOps(
                settings.refuseGitOps()
                    ? Remediations.GitOpsChanges.REFUSE
                    : Remediations.GitOpsChanges.WARN);
    List<RunbookSource> sources = new ArrayList<>(RunbookSource.shipped());
    settings.runbooksDirectory().ifPresent(dir -> sources.addAll(RunbookSource.directory(dir)));
    RunbookCatalog loaded =
        RunbookCatalog.load(Remediations.all(kubernetes, options), sources)
            .protecting(settings.protectedNamespace().map(Set::of).orElse(Set.of()))
            .onClusters(clusters.names());
    People people = settings.people();
    Targets targets =
        new Targets(
            clusters,
            new Identities(people.identity(), people.users(), people.groups()),
            people.access(),
            people.groups(),
            options);
    RunbookCatalog catalog =
        settings
            .enabledRunbooks()
            .map(names -> loaded.only(names, "PITCREW_RUNBOOKS"))
            .orElse(loaded);
    Approvals approvals =
        new Approvals(
            settings.store(), settings.policy(), clock, replicaName(), Approvals.DEFAULT_LEASE);
    List<AuditSink> allSinks = new ArrayList<>(sinks);
    allSinks.add(metrics.auditSink());
    Audit audit = new Audit(clock, allSinks);
    RolloutWatch rollouts =
        RolloutWatch.create(
                kubernetes,
                clock,
                settings.rolloutPoll(),
                Executors.newSingleThreadScheduledExecutor(Threads.daemon("pitcrew-rollout-watch")))
            .masking(masking);
    // The model's summary after a change: off the approval path, a few at a time.
    ExecutorService followUps =
        new ThreadPoolExecutor(
            2,
            2,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(100),
            Threads.daemon("pitcrew-follow-up"),
            (r, pool) -> log.warn("busy: a follow-up was skipped"));
    ApprovalPath.Proposing proposing =
        ApprovalPath.begin(approvals, catalog, surface, audit, targets);
    ToolRunner tools = new ToolRunner(catalog, proposing.proposals(), audit, metrics, targets);
    ExecutorService toolPool = toolPool();
    List<java.util.function.Consumer<String>> modelInput =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    Usage usage = new Usage(settings.limits(), clock);
    Optional<Assistant> assistant =
        settings
            .llm()
            .map(
                llm ->
                    new Agent(
                        Agent.client(llm),
                        llm.model(),
                        catalog,
                        tools,
                        Agent.Limits.defaults(),
                        toolPool,
                        metrics,
                        clock,
                        masking,
                        messages -> {
                          if (!modelInput.isEmpty()) {
                            String text = messages.get();
                            modelInput.forEach(listener -> listener.accept(text));
                          }
                        },
                        usage));
    Conversations conversations =
        new Conversations(assistant, catalog, tools, surface, audit, metrics, usage);
    ApprovalPath path = proposing.finish(rollouts, conversations::afterChange, followUps);
    // Every replica sweeps: each takeover and expiry is a compare-and-set, and only its winner
    // redraws the card and tells the thread. Executions whose owner stopped renewing its lease
    // become UNKNOWN here, at start-up and after.
    ScheduledExecutorService sweeper =
        Executors.newScheduledThreadPool(2, Threads.daemon("pitcrew-approval-sweeper"));
    every(
        sweeper,
        Duration.ZERO,
        settings.sweepEvery(),
        "sweeping approvals",
        () -> {
          path.sweeps().recoverInterrupted();
          path.sweeps().expire();
        });
    // Finished requests are deleted after their retention; the audit channel and the log keep the
    // history. Hourly, on every replica: deletes are locked to the version listed.
    every(
        sweeper,
        Duration.ZERO,
        Duration.ofHours(1),
        "purging approvals and claims",
        () -> {
          List<String> purged = settings.store().purgeFinished(settings.approvalRetention());
          if (!purged.isEmpty()) {
            log.info("deleted {} finished approval requests past retention", purged.size());
          }
          int claims = settings.claims().purgeExpired();
          if (claims > 0) {
            log.info("deleted {} claims past their time", claims);
          }
        });
    // Renewal has its own thread: a sweep slowed by Slack must not let a live lease run out.
    ScheduledExecutorService renewals =
        Executors.newSingleThreadScheduledExecutor(Threads.daemon("pitcrew-lease-renewal"));
    every(
        renewals,
        approvals.renewEvery(),
        approvals.renewEvery(),
        "renewing leases",
        () ->
            approvals
                .renewLeases()
                .forEach(lost -> log.error("lost the lease of running approval {}", lost)));
    return new Core(
        catalog,
        loaded.runbooks().stream()
            .map(dev.pitcrew.runbooks.Runbook::name)
            .collect(java.util.stream.Collectors.toSet()),
        approvals,
        audit,
        path,
        conversations,
        tools,
        usage,
        metrics,
        rollouts,
        List.of(toolPool, followUps, sweeper, renewals),
        clusters,
        modelInput);
  }

  /** The shipped masking rules with the policy's additions, counting what they mask. */
  static Masking masking(MaskingPolicy policy, Metrics metrics) {
    Masking.Builder masking =
        Masking.builder().allowKeys(policy.allowKeys()).listener(metrics::masked);
    policy.extraPatterns().forEach(masking::extraPattern);
    return masking.build();
  }

  /** Runs {@code task} on {@code pool} every {@code period}; a failure is logged, not fatal. */
  private static void every(
      ScheduledExecutorService pool, Duration first, Duration period, String what, Runnable task) {
    pool.scheduleWithFixedDelay(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            log.warn("{} failed: {}", what, e.toString());
          }
        },
        first.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Read-only tool calls of one turn run here, at most four at once; a full queue runs inline. */
  private static ExecutorService toolPool() {
    return new ThreadPoolExecutor(
        4,
        4,
        60,
        TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(64),
        Threads.daemon("pitcrew-tool"),
        new ThreadPoolExecutor.CallerRunsPolicy());
  }

  /** This replica's name on the executions it owns: the pod's name, and a random suffix. */
  private static String replicaName() {
    String host = System.getenv("HOSTNAME");
    byte[] random = new byte[3];
    new java.security.SecureRandom().nextBytes(random);
    return (host == null || host.isBlank() ? "pitcrew" : host)
        + "-"
        + java.util.HexFormat.of().formatHex(random);
  }

  /** An in-process approval store that keeps requests two days. */
  static ApprovalStore memoryStore(Clock clock) {
    Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    return ApprovalStore.inMemory(ticker, Duration.ofDays(2));
  }

  @Override
  public void close() {
    pools.forEach(ExecutorService::shutdownNow);
    rollouts.close();
    clusters.close();
  }
}
