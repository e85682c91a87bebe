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
import dev.pitcrew.bot.core.Assistant;
import dev.pitcrew.bot.core.Conversations;
import dev.pitcrew.bot.core.Surface;
import dev.pitcrew.bot.core.ToolRunner;
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
import java.util.concurrent.TimeUnit;

/**
 * Everything but the chat platform: runbooks, approvals, audit, the agent and the conversation
 * logic. Slack and the terminal shell each build one around their own {@link Surface}.
 */
final class Core implements AutoCloseable {
  /** Agent iterations per question before giving up. */
  static final int MAX_ITERATIONS = 8;

  /** What a core needs besides the cluster and the surface. */
  record Settings(
      Optional<Config.Llm> llm,
      ApprovalPolicy policy,
      Clock clock,
      boolean serverSideDryRun,
      Duration rolloutPoll,
      Optional<String> protectedNamespace,
      Optional<Path> runbooksDirectory) {}

  final RunbookCatalog catalog;
  final Approvals approvals;
  final Audit audit;
  final ApprovalFlow flow;
  final Conversations conversations;
  private final RolloutWatch rollouts;

  private Core(
      RunbookCatalog catalog,
      Approvals approvals,
      Audit audit,
      ApprovalFlow flow,
      Conversations conversations,
      RolloutWatch rollouts) {
    this.catalog = catalog;
    this.approvals = approvals;
    this.audit = audit;
    this.flow = flow;
    this.conversations = conversations;
    this.rollouts = rollouts;
  }

  /**
   * @throws dev.pitcrew.runbooks.RunbookException if a runbook is broken (file, line, reason)
   */
  static Core create(
      Settings settings, KubernetesClient kubernetes, Surface surface, List<AuditSink> sinks) {
    Clock clock = settings.clock();
    Remediations.Options options = Remediations.Options.defaults().withClock(clock);
    if (!settings.serverSideDryRun()) {
      options = options.withoutDryRun();
    }
    List<RunbookSource> sources = new ArrayList<>(RunbookSource.shipped());
    settings.runbooksDirectory().ifPresent(dir -> sources.addAll(RunbookSource.directory(dir)));
    RunbookCatalog catalog =
        RunbookCatalog.load(Remediations.all(kubernetes, options), sources)
            .protecting(settings.protectedNamespace().map(Set::of).orElse(Set.of()));
    Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    Approvals approvals =
        new Approvals(ApprovalStore.inMemory(ticker, Duration.ofDays(2)), settings.policy(), clock);
    Audit audit = new Audit(clock, sinks);
    RolloutWatch rollouts = RolloutWatch.create(kubernetes, clock, settings.rolloutPoll());
    ApprovalFlow flow = new ApprovalFlow(approvals, catalog, surface, audit, rollouts);
    ToolRunner tools = new ToolRunner(catalog, flow, audit);
    Optional<Assistant> assistant =
        settings
            .llm()
            .map(llm -> new Agent(Agent.client(llm), llm.model(), catalog, tools, MAX_ITERATIONS));
    Conversations conversations = new Conversations(assistant, catalog, tools, surface, audit);
    return new Core(catalog, approvals, audit, flow, conversations, rollouts);
  }

  @Override
  public void close() {
    rollouts.close();
  }
}
