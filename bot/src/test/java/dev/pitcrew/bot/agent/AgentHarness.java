package dev.pitcrew.bot.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitcrew.approvals.ApprovalPolicy;
import dev.pitcrew.approvals.ApprovalStore;
import dev.pitcrew.approvals.Approvals;
import dev.pitcrew.bot.audit.Audit;
import dev.pitcrew.bot.audit.AuditEvent;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.core.ApprovalPath;
import dev.pitcrew.bot.core.RecordingSurface;
import dev.pitcrew.bot.core.ToolRunner;
import dev.pitcrew.bot.metrics.Metrics;
import dev.pitcrew.bot.testing.ScriptedOpenAi;
import dev.pitcrew.remediations.ChangeContext;
import dev.pitcrew.remediations.Observed;
import dev.pitcrew.remediations.Outcome;
import dev.pitcrew.remediations.Plan;
import dev.pitcrew.remediations.Preview;
import dev.pitcrew.remediations.Remediation;
import dev.pitcrew.remediations.Risk;
import dev.pitcrew.remediations.RolloutWatch;
import dev.pitcrew.runbooks.RunbookCatalog;
import dev.pitcrew.runbooks.RunbookSource;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The real agent, SDK and tool runner against a scripted OpenAI-compatible server, with tools whose
 * behaviour a test sets: a stand-in for the cluster that can block, fail or answer at once.
 */
final class AgentHarness implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A read-only tool {@code probe_N} whose answer the test supplies. */
  static final class Probe implements Remediation {
    final String name;
    volatile Function<JsonNode, String> answer = args -> "ok";
    final AtomicInteger calls = new AtomicInteger();

    Probe(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return "test." + name;
    }

    @Override
    public java.util.List<dev.pitcrew.remediations.Permission> permissions() {
      return java.util.List.of(); // touches no cluster
    }

    @Override
    public Risk risk() {
      return Risk.READ;
    }

    @Override
    public String description() {
      return name;
    }

    @Override
    public JsonNode parameterSchema() {
      return AgentHarness.read(
          "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}");
    }

    @Override
    public Outcome execute(JsonNode arguments, ChangeContext context) {
      calls.incrementAndGet();
      return new Observed(answer.apply(arguments), Map.of());
    }
  }

  /** A mutating tool whose execution the test counts. */
  static final class Lever implements Remediation {
    final AtomicInteger executions = new AtomicInteger();

    @Override
    public String name() {
      return "test.lever";
    }

    @Override
    public java.util.List<dev.pitcrew.remediations.Permission> permissions() {
      return java.util.List.of(); // touches no cluster
    }

    @Override
    public Risk risk() {
      return Risk.MUTATE;
    }

    @Override
    public String description() {
      return "lever";
    }

    @Override
    public JsonNode parameterSchema() {
      return AgentHarness.read(
          "{\"type\":\"object\",\"required\":[\"namespace\",\"to\"],\"properties\":{\"namespace\":{\"type\":\"string\"},\"to\":{\"type\":\"integer\"}}}");
    }

    @Override
    public Preview preview(JsonNode arguments) {
      int to = arguments.path("to").asInt();
      return new Plan(
          "pull the lever to " + to,
          List.of(new dev.pitcrew.remediations.Change("spec.replicas", 3, to)),
          Optional.empty());
    }

    @Override
    public Outcome execute(JsonNode arguments, ChangeContext context) {
      executions.incrementAndGet();
      return new dev.pitcrew.remediations.Applied(
          "pulled", Map.of(), Optional.empty(), Optional.empty());
    }
  }

  final ScriptedOpenAi llm;
  final Probe probe1 = new Probe("probe1");
  final Probe probe2 = new Probe("probe2");
  final Probe probe3 = new Probe("probe3");
  final Probe probe4 = new Probe("probe4");
  final Lever lever = new Lever();
  final RecordingSurface surface = new RecordingSurface();
  final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
  final Metrics metrics = Metrics.prometheus();
  final ExecutorService pool = Executors.newFixedThreadPool(4);
  final RolloutWatch rollouts;
  final Agent agent;
  final Approvals approvals;

  AgentHarness(Agent.Limits limits) throws Exception {
    this(limits, new ScriptedOpenAi());
  }

  AgentHarness(Agent.Limits limits, ScriptedOpenAi llm) throws Exception {
    this.llm = llm;
    List<Remediation> actions = List.of(probe1, probe2, probe3, probe4, lever);
    StringBuilder yaml = new StringBuilder();
    List<RunbookSource> sources = new java.util.ArrayList<>();
    for (String p : List.of("probe1", "probe2", "probe3", "probe4")) {
      sources.add(
          new RunbookSource(
              p + ".yaml",
              "name: "
                  + p
                  + "\naction: test."
                  + p
                  + "\ndescription: read "
                  + p
                  + "\nparameters:\n  type: object\n  additionalProperties: false\n  properties:\n"
                  + "    n: {type: integer}\n"));
    }
    sources.add(
        new RunbookSource(
            "lever.yaml",
            "name: lever\naction: test.lever\ndescription: change something\nparameters:\n"
                + "  type: object\n  additionalProperties: false\n  required: [namespace, to]\n"
                + "  properties:\n    namespace: {type: string}\n    to: {type: integer, maximum: 10}\n"
                + "limits:\n  protectedNamespaces: [kube-system]\n  maxScaleStep: 4\n"));
    yaml.setLength(0);
    RunbookCatalog catalog = RunbookCatalog.load(actions, sources);
    Clock clock = Clock.systemUTC();
    approvals =
        new Approvals(
            ApprovalStore.inMemory(() -> System.nanoTime(), Duration.ofHours(1)),
            ApprovalPolicy.of(Set.of("UAPPROVER")),
            clock);
    Audit audited = new Audit(clock, List.of(audit::add));
    rollouts =
        RolloutWatch.create(
            new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:9").build())
                .build(),
            clock,
            Duration.ofSeconds(2),
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                dev.pitcrew.bot.concurrent.Threads.daemon("test-rollout-watch")));
    dev.pitcrew.bot.kube.Targets targets = dev.pitcrew.bot.kube.Targets.asPitcrew(null);
    ApprovalPath.Proposing proposing =
        ApprovalPath.begin(approvals, catalog, surface, audited, targets);
    ToolRunner runner = new ToolRunner(catalog, proposing.proposals(), audited, metrics, targets);
    agent =
        new Agent(
            Agent.client(new Config.Llm("sk-test", URI.create(llm.baseUrl()), "test-model")),
            "test-model",
            catalog,
            runner,
            limits,
            pool,
            metrics,
            clock,
            dev.pitcrew.remediations.Masking.shipped(),
            sent -> {},
            dev.pitcrew.bot.core.Usage.unlimited(clock));
  }

  static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The tool messages of request {@code i}, in order, as (tool_call_id, content) pairs. */
  List<JsonNode> toolMessages(int i) {
    List<JsonNode> out = new java.util.ArrayList<>();
    llm.requests()
        .get(i)
        .path("messages")
        .forEach(
            m -> {
              if (m.path("role").asText().equals("tool")) {
                out.add(m);
              }
            });
    return out;
  }

  @Override
  public void close() {
    pool.shutdownNow();
    rollouts.close();
    llm.close();
  }
}
