package dev.pitcrew.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitcrew.remediations.ChangeContext;
import dev.pitcrew.remediations.Outcome;
import dev.pitcrew.remediations.Plan;
import dev.pitcrew.remediations.Preview;
import dev.pitcrew.remediations.Refused;
import dev.pitcrew.remediations.Remediation;
import dev.pitcrew.remediations.Remediations;
import dev.pitcrew.remediations.Risk;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunbookCatalogTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An action that records calls instead of touching a cluster; replicas start at 3. */
  static final class FakeScale implements Remediation {
    /** The field its plan changes: an autoscaler's bounds count as replicas too. */
    String field = "spec.replicas";

    /** Where the last runbook built over it keeps it. */
    Remediation.Namespaces keptTo;

    @Override
    public Remediation within(Remediation.Namespaces namespaces) {
      keptTo = namespaces;
      return this;
    }

    final AtomicInteger executions = new AtomicInteger();
    volatile JsonNode lastArguments;
    volatile ChangeContext lastContext;

    @Override
    public String name() {
      return "deployment.scale";
    }

    @Override
    public java.util.List<dev.pitcrew.remediations.Permission> permissions() {
      return java.util.List.of();
    }

    @Override
    public Risk risk() {
      return Risk.MUTATE;
    }

    @Override
    public String description() {
      return "scale";
    }

    @Override
    public JsonNode parameterSchema() {
      return read(
          "{\"type\":\"object\",\"required\":[\"namespace\",\"name\",\"replicas\"],"
              + "\"properties\":{\"namespace\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},"
              + "\"kind\":{\"type\":\"string\"},"
              + "\"replicas\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000}}}");
    }

    @Override
    public Preview preview(JsonNode arguments) {
      int to = arguments.path("replicas").asInt();
      return new Plan(
          "scale to " + to,
          List.of(new dev.pitcrew.remediations.Change(field, 3, to)),
          Optional.empty());
    }

    @Override
    public Outcome execute(JsonNode arguments, ChangeContext context) {
      executions.incrementAndGet();
      lastArguments = arguments;
      lastContext = context;
      return new dev.pitcrew.remediations.Applied(
          "scaled", java.util.Map.of(), Optional.empty(), Optional.empty());
    }
  }

  static final class FakeStatus implements Remediation {
    @Override
    public String name() {
      return "deployment.status";
    }

    @Override
    public java.util.List<dev.pitcrew.remediations.Permission> permissions() {
      return java.util.List.of();
    }

    @Override
    public Risk risk() {
      return Risk.READ;
    }

    @Override
    public String description() {
      return "status";
    }

    @Override
    public JsonNode parameterSchema() {
      return read(
          "{\"type\":\"object\",\"required\":[\"namespace\",\"name\"],"
              + "\"properties\":{\"namespace\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},"
              + "\"kind\":{\"type\":\"string\"}}}");
    }

    @Override
    public Outcome execute(JsonNode arguments, ChangeContext context) {
      return new dev.pitcrew.remediations.Observed("ok", java.util.Map.of());
    }
  }

  private final FakeScale scale = new FakeScale();
  private final List<Remediation> actions = List.of(scale, new FakeStatus());

  /** The real actions; building them makes no request, so any client will do. */
  private static final List<Remediation> REAL =
      Remediations.all(
          new KubernetesClientBuilder()
              .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:9").build())
              .build());

  /** The shipped status and scale runbooks over the fake actions above. */
  private RunbookCatalog fakeCatalog() {
    return RunbookCatalog.load(
        actions,
        RunbookSource.shipped().stream()
            .filter(
                s ->
                    s.origin().endsWith("/scale_deployment.yaml")
                        || s.origin().endsWith("/deployment_status.yaml"))
            .toList());
  }

  @Test
  void onlyKeepsTheEnabledRunbooksAndNamesAnUnknownOne() {
    RunbookCatalog catalog = RunbookCatalog.shipped(REAL);

    assertThat(
            catalog.only(Set.of("list_pods", "pod_logs"), "PITCREW_RUNBOOKS").runbooks().stream()
                .map(Runbook::name))
        .containsExactly("list_pods", "pod_logs");
    assertThatThrownBy(() -> catalog.only(Set.of("list_pods", "reboot_node"), "PITCREW_RUNBOOKS"))
        .isInstanceOf(RunbookException.class)
        .hasMessageStartingWith(
            "PITCREW_RUNBOOKS names 'reboot_node', which is not a loaded runbook; loaded:");
  }

  @Test
  void shippedRunbooksLoadOverTheRealActions() {
    RunbookCatalog catalog = RunbookCatalog.shipped(REAL);

    assertThat(catalog.runbooks())
        .extracting(Runbook::name)
        .containsExactly(
            "cordon_node",
            "delete_pod",
            "deployment_status",
            "describe",
            "drain_node",
            "list_nodes",
            "list_pods",
            "pause_rollout",
            "pod_logs",
            "recent_events",
            "restart_deployment",
            "resume_rollout",
            "rollback_deployment",
            "rollout_history",
            "scale_autoscaler",
            "scale_deployment",
            "set_resources",
            "uncordon_node");
    assertThat(catalog.runbooks())
        .allSatisfy(
            r -> {
              assertThat(r.toolSpec().parameters().path("additionalProperties").asBoolean(true))
                  .as(r.name())
                  .isFalse();
              assertThat(r.description()).as(r.name()).contains("When to use:");
            });
    assertThat(catalog.runbooks().stream().filter(r -> r.risk() == Risk.MUTATE).map(Runbook::name))
        .containsExactlyInAnyOrder(
            "rollback_deployment",
            "scale_deployment",
            "scale_autoscaler",
            "set_resources",
            "restart_deployment",
            "delete_pod",
            "pause_rollout",
            "resume_rollout",
            "cordon_node",
            "uncordon_node",
            "drain_node");
    assertThat(catalog.find("scale_deployment").orElseThrow().limits().maxScaleStep())
        .isEqualTo(10);
    assertThat(catalog.find("scale_autoscaler").orElseThrow().limits().maxScaleStep())
        .isEqualTo(10);
    assertThat(catalog.find("rollback_deployment").orElseThrow().limits().verifyTimeout())
        .isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void shippedScaleRunbookNarrowsTheAction() {
    RunbookCatalog catalog = fakeCatalog();
    ToolSpec tool = catalog.find("scale_deployment").orElseThrow().toolSpec();
    assertThat(tool.risk()).isEqualTo(Risk.MUTATE);
    assertThat(tool.parameters().path("additionalProperties").asBoolean(true)).isFalse();
    assertThat(tool.description()).contains("When to use:").contains("When not to use:");
    assertThat(catalog.find("scale_deployment").orElseThrow().limits().protectedNamespaces())
        .contains("kube-system");
  }

  @Test
  void unknownToolIsRejectedWithTheToolsThatExist() {
    ArgumentCheck check = fakeCatalog().check("delete_cluster", "{}");
    assertThat(check)
        .isEqualTo(
            new ArgumentCheck.Rejected(
                "unknown tool 'delete_cluster'; available tools: deployment_status,"
                    + " scale_deployment",
                ArgumentCheck.Reason.UNKNOWN_TOOL));
  }

  @Test
  void argumentsThatAreNotJsonAreRejected() {
    ArgumentCheck check = fakeCatalog().check("scale_deployment", "{\"namespace\": shop");
    assertThat(((ArgumentCheck.Rejected) check).error())
        .startsWith("arguments for scale_deployment are not valid JSON");
    assertThat(((ArgumentCheck.Rejected) check).reason())
        .isEqualTo(ArgumentCheck.Reason.INVALID_JSON);
  }

  @Test
  void argumentsOutsideTheRunbookSchemaAreRejected() {
    RunbookCatalog catalog = fakeCatalog();

    assertThat(reject(catalog, "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":51}"))
        .contains("replicas")
        .contains("50");
    assertThat(
            reject(
                catalog,
                "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":2,\"force\":true}"))
        .contains("force");
    assertThat(reject(catalog, "{\"namespace\":\"shop\",\"replicas\":2}")).contains("name");
    assertThat(reject(catalog, "[1,2]")).contains("must be a JSON object");
  }

  /** Regression: errors read ": required property 'replicas' not found" and regex text. */
  @Test
  void schemaErrorsAreWordsAPersonReads() {
    RunbookCatalog catalog = RunbookCatalog.shipped(REAL);

    assertThat(
            ((ArgumentCheck.Rejected) catalog.check("scale_deployment", "{\"name\":\"checkout\"}"))
                .error())
        .isEqualTo(
            "arguments for scale_deployment are not valid: namespace is required; replicas is"
                + " required");
    assertThat(
            ((ArgumentCheck.Rejected)
                    catalog.check(
                        "scale_deployment",
                        "{\"namespace\":\"Shop_1\",\"name\":\"checkout\",\"replicas\":\"five\","
                            + "\"force\":true}"))
                .error())
        .contains(
            "namespace must be a DNS label (lowercase letters, digits and '-', starting and ending"
                + " with a letter or digit)")
        .contains("replicas must be a whole number")
        .contains(
            "force is not a parameter here; the parameters are kind, name, namespace, replicas")
        .doesNotContain("regex")
        .doesNotContain("$");
    assertThat(
            ((ArgumentCheck.Rejected)
                    catalog.check(
                        "scale_deployment",
                        "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5000}"))
                .error())
        .isEqualTo("arguments for scale_deployment are not valid: replicas must be at most 50");
  }

  @Test
  void withSeveralClustersEveryRunbookNeedsOneOfThem() {
    RunbookCatalog catalog = fakeCatalog().onClusters(List.of("prod", "staging"));

    JsonNode offered = catalog.find("scale_deployment").orElseThrow().toolSpec().parameters();
    assertThat(offered.at("/properties/cluster/enum").toString())
        .isEqualTo("[\"prod\",\"staging\"]");
    assertThat(offered.path("required").toString()).contains("\"cluster\"");
    assertThat(
            ((ArgumentCheck.Rejected)
                    catalog.check(
                        "scale_deployment",
                        "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}"))
                .error())
        .isEqualTo(
            "arguments for scale_deployment are not valid: cluster is required (one of prod,"
                + " staging)");
    assertThat(
            ((ArgumentCheck.Rejected)
                    catalog.check(
                        "scale_deployment",
                        "{\"cluster\":\"qa\",\"namespace\":\"shop\",\"name\":\"checkout\"}"))
                .error())
        .isEqualTo(
            "arguments for scale_deployment are not valid: cluster must be one of prod, staging;"
                + " replicas is required");
  }

  @Test
  void theActionNeverSeesTheClusterButItsContextNamesIt() {
    RunbookCatalog catalog = fakeCatalog().onClusters(List.of("prod", "staging"));
    ArgumentCheck.Accepted accepted =
        (ArgumentCheck.Accepted)
            catalog.check(
                "scale_deployment",
                "{\"cluster\":\"staging\",\"namespace\":\"shop\",\"name\":\"checkout\","
                    + "\"replicas\":5}");
    assertThat(accepted.arguments().path("cluster").asText()).isEqualTo("staging");

    accepted.runbook().execute(accepted.arguments(), new ChangeContext("pc-1", "U1", "U2", "a"));

    assertThat(scale.lastArguments.has("cluster")).isFalse();
    assertThat(scale.lastContext.cluster()).isEqualTo("staging");
  }

  @Test
  void aValueOutsideTheRunbooksBoundsIsOverLimitsAMissingOneIsNot() {
    RunbookCatalog catalog = fakeCatalog();
    assertThat(
            ((ArgumentCheck.Rejected)
                    catalog.check(
                        "scale_deployment",
                        "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5000}"))
                .reason())
        .isEqualTo(ArgumentCheck.Reason.OVER_LIMITS);
    assertThat(
            ((ArgumentCheck.Rejected)
                    catalog.check("scale_deployment", "{\"namespace\":\"shop\",\"name\":\"c\"}"))
                .reason())
        .isEqualTo(ArgumentCheck.Reason.SCHEMA);
  }

  @Test
  void describeNeverReadsSecretsOrConfigMaps() {
    RunbookCatalog catalog = RunbookCatalog.shipped(REAL);
    for (String kind : List.of("Secret", "ConfigMap", "secret")) {
      ArgumentCheck check =
          catalog.check(
              "describe",
              "{\"namespace\":\"shop\",\"kind\":\"" + kind + "\",\"name\":\"db-password\"}");
      assertThat(((ArgumentCheck.Rejected) check).error())
          .isEqualTo(
              "arguments for describe are not valid: kind must be one of Deployment, ReplicaSet,"
                  + " StatefulSet, DaemonSet, Pod, Service, PersistentVolumeClaim,"
                  + " HorizontalPodAutoscaler, PodDisruptionBudget");
    }
  }

  @Test
  void withOneClusterItIsOptionalAndFilledIn() {
    RunbookCatalog catalog = fakeCatalog().onClusters(List.of("prod"));
    JsonNode offered = catalog.find("scale_deployment").orElseThrow().toolSpec().parameters();
    assertThat(offered.path("required").toString()).doesNotContain("cluster");

    ArgumentCheck check =
        catalog.check(
            "scale_deployment", "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}");

    assertThat(((ArgumentCheck.Accepted) check).arguments().path("cluster").asText())
        .isEqualTo("prod");
  }

  @Test
  void withoutNamedClustersThereIsNoClusterArgument() {
    RunbookCatalog catalog = fakeCatalog();
    assertThat(catalog.find("scale_deployment").orElseThrow().toolSpec().parameters().toString())
        .doesNotContain("cluster");
    assertThat(
            catalog.check(
                "scale_deployment",
                "{\"cluster\":\"prod\",\"namespace\":\"shop\",\"name\":\"checkout\","
                    + "\"replicas\":5}"))
        .isInstanceOf(ArgumentCheck.Rejected.class);
  }

  @Test
  void aRunbookCanBeBoundToAnotherInstanceOfItsActionOnly() {
    Runbook runbook = fakeCatalog().find("scale_deployment").orElseThrow();
    FakeScale other = new FakeScale();
    runbook
        .on(other)
        .execute(
            read("{\"namespace\":\"shop\",\"name\":\"c\",\"replicas\":2}"),
            new ChangeContext("pc-1", "U1", "U2", "a"));
    assertThat(other.executions).hasValue(1);
    assertThat(scale.executions).hasValue(0);
    assertThatThrownBy(() -> runbook.on(new FakeStatus()))
        .hasMessage("runbook scale_deployment runs deployment.scale, not deployment.status");
  }

  @Test
  void validArgumentsAreAccepted() {
    ArgumentCheck check =
        fakeCatalog()
            .check(
                "scale_deployment",
                "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}");
    assertThat(check).isInstanceOf(ArgumentCheck.Accepted.class);
    assertThat(((ArgumentCheck.Accepted) check).arguments().path("replicas").asInt()).isEqualTo(5);
  }

  @Test
  void protectedNamespaceIsNeitherChangedNorRead() {
    RunbookCatalog catalog = fakeCatalog();
    Runbook runbook = catalog.find("scale_deployment").orElseThrow();
    JsonNode args = read("{\"namespace\":\"kube-system\",\"name\":\"coredns\",\"replicas\":3}");

    assertThat(runbook.preview(args))
        .isEqualTo(
            Refused.overLimits(
                "namespace kube-system is protected: runbook scale_deployment never changes it"));
    assertThat(runbook.execute(args, new ChangeContext("pc-1", "U1", "U2", "apr-1")))
        .isInstanceOf(Refused.class);
    assertThat(scale.executions).hasValue(0);

    Runbook status = catalog.find("deployment_status").orElseThrow();
    assertThat(status.execute(read("{\"namespace\":\"kube-system\",\"name\":\"coredns\"}"), null))
        .isEqualTo(
            Refused.overLimits(
                "namespace kube-system is protected: runbook deployment_status never reads it"));
    assertThat(status.execute(read("{\"namespace\":\"shop\",\"name\":\"checkout\"}"), null))
        .isNotInstanceOf(Refused.class);
  }

  @Test
  void scaleStepLargerThanTheRunbookAllowsIsRefused() {
    Runbook runbook = fakeCatalog().find("scale_deployment").orElseThrow();

    assertThat(runbook.preview(read("{\"namespace\":\"shop\",\"name\":\"c\",\"replicas\":13}")))
        .isInstanceOf(Plan.class);
    assertThat(runbook.preview(read("{\"namespace\":\"shop\",\"name\":\"c\",\"replicas\":14}")))
        .isEqualTo(
            Refused.overLimits(
                "scaling from 3 to 14 changes replicas by 11; runbook scale_deployment allows at"
                    + " most 10 per approval"));
  }

  @Test
  void scaleStepBoundsAnAutoscalersMinAndMaxReplicasToo() {
    scale.field = "spec.minReplicas";
    Runbook runbook = fakeCatalog().find("scale_deployment").orElseThrow();

    assertThat(runbook.preview(read("{\"namespace\":\"shop\",\"name\":\"c\",\"replicas\":14}")))
        .isEqualTo(
            Refused.overLimits(
                "setting minReplicas from 3 to 14 changes replicas by 11; runbook"
                    + " scale_deployment allows at most 10 per approval"));
  }

  @Test
  void anActionThatReachesIntoManyNamespacesIsKeptToItsRunbooksProtectedOnesAndPitcrewsOwn() {
    fakeCatalog().protecting(Set.of("pitcrew"));

    assertThat(scale.keptTo.protectedNamespaces())
        .containsExactlyInAnyOrder("kube-system", "pitcrew");
    assertThat(scale.keptTo.refusal("pitcrew")).contains("namespace pitcrew is protected");
    assertThat(scale.keptTo.refusal("shop")).isEmpty();
  }

  @Test
  void allowedNamespacesNarrowARunbook() {
    RunbookCatalog catalog =
        RunbookCatalog.load(
            actions,
            List.of(
                new RunbookSource(
                    "scale_shop.yaml",
                    runbook("scale_shop", "deployment.scale")
                        + "limits:\n  allowedNamespaces: [shop]\n")));
    Runbook runbook = catalog.find("scale_shop").orElseThrow();

    assertThat(runbook.preview(read("{\"namespace\":\"payments\",\"name\":\"c\",\"replicas\":4}")))
        .isEqualTo(
            Refused.overLimits(
                "runbook scale_shop may only be used in namespaces shop, not payments"));
    assertThat(runbook.preview(read("{\"namespace\":\"shop\",\"name\":\"c\",\"replicas\":4}")))
        .isInstanceOf(Plan.class);
  }

  @Test
  void unknownFieldFailsWithFileLineAndField() {
    String yaml = runbook("x", "deployment.scale") + "colour: blue\n";
    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(RunbookException.class)
        .hasMessageStartingWith("bad.yaml:16: colour: ")
        .hasMessageContaining("Unrecognized field \"colour\"");
  }

  @Test
  void unknownActionFailsAtTheActionLine() {
    assertThatThrownBy(() -> load(runbook("x", "deployment.explode")))
        .hasMessage(
            "bad.yaml:2: action: unknown action 'deployment.explode'; known actions:"
                + " deployment.scale, deployment.status");
  }

  @Test
  void openSchemaFailsAtItsLine() {
    String yaml =
        runbook("x", "deployment.scale")
            .replace("additionalProperties: false", "additionalProperties: true");
    assertThatThrownBy(() -> load(yaml))
        .hasMessageStartingWith("bad.yaml:6: parameters.additionalProperties: must be false");
  }

  @Test
  void parameterTheActionDoesNotHaveFails() {
    String yaml =
        runbook("x", "deployment.scale")
            .replace("    replicas:", "    force: {type: boolean}\n    replicas:");
    assertThatThrownBy(() -> load(yaml))
        .hasMessageStartingWith(
            "bad.yaml:13: parameters.properties.force: action deployment.scale has no parameter"
                + " 'force'");
  }

  @Test
  void missingDescriptionAndBadNameFail() {
    assertThatThrownBy(() -> load(runbook("x", "deployment.scale").replace("description: d\n", "")))
        .hasMessageStartingWith("bad.yaml:1: description: is required");
    assertThatThrownBy(() -> load(runbook("Scale-It", "deployment.scale")))
        .hasMessageStartingWith("bad.yaml:1: name: 'Scale-It' must be lower snake case");
  }

  @Test
  void malformedYamlFailsWithItsLine() {
    assertThatThrownBy(() -> load("name: x\naction: [unclosed\n"))
        .isInstanceOf(RunbookException.class)
        .hasMessageStartingWith("bad.yaml:");
  }

  @Test
  void duplicateNamesFail() {
    List<RunbookSource> sources = new ArrayList<>(fakeCatalogSources());
    sources.add(new RunbookSource("mine.yaml", runbook("scale_deployment", "deployment.scale")));
    assertThatThrownBy(() -> RunbookCatalog.load(actions, sources))
        .hasMessageStartingWith("mine.yaml:1: name: 'scale_deployment' is already defined in");
  }

  @Test
  void aRunbookCanNarrowAShippedActionToOneDeployment() {
    String yaml =
        runbook("scale_checkout", "deployment.scale")
            .replace("    name:\n      type: string\n", "    name:\n      enum: [checkout]\n");
    RunbookCatalog catalog =
        RunbookCatalog.load(actions, List.of(new RunbookSource("scale_checkout.yaml", yaml)));

    assertThat(
            catalog.check(
                "scale_checkout", "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":4}"))
        .isInstanceOf(ArgumentCheck.Accepted.class);
    assertThat(
            catalog.check(
                "scale_checkout", "{\"namespace\":\"shop\",\"name\":\"payments\",\"replicas\":4}"))
        .isInstanceOf(ArgumentCheck.Rejected.class);
  }

  @Test
  void runbooksLoadFromADirectoryInNameOrder(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("b.yaml"), runbook("scale_b", "deployment.scale"));
    Files.writeString(dir.resolve("a.yml"), runbook("scale_a", "deployment.scale"));
    Files.writeString(dir.resolve("notes.txt"), "not a runbook");
    Files.createDirectory(dir.resolve("..data"));

    List<RunbookSource> sources = RunbookSource.directory(dir);

    assertThat(sources)
        .extracting(s -> Path.of(s.origin()).getFileName().toString())
        .containsExactly("a.yml", "b.yaml");
    assertThat(RunbookCatalog.load(actions, sources).runbooks())
        .extracting(Runbook::name)
        .containsExactly("scale_a", "scale_b");
  }

  @Test
  void aBrokenFileInTheDirectoryNamesItsPath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, runbook("x", "deployment.scale") + "limits:\n  verifyTimeout: 5m\n");

    assertThatThrownBy(() -> RunbookCatalog.load(actions, RunbookSource.directory(dir)))
        .hasMessage(
            file + ":17: limits.verifyTimeout: '5m' is not an ISO-8601 duration such as PT5M");
    assertThatThrownBy(() -> RunbookSource.directory(dir.resolve("missing")))
        .hasMessageContaining("is not a directory");
  }

  @Test
  void extraProtectedNamespacesApplyToEveryRunbook() {
    RunbookCatalog catalog = fakeCatalog().protecting(java.util.Set.of("pitcrew"));
    Runbook runbook = catalog.find("scale_deployment").orElseThrow();

    assertThat(runbook.limits().protectedNamespaces()).contains("kube-system", "pitcrew");
    assertThat(runbook.preview(read("{\"namespace\":\"pitcrew\",\"name\":\"bot\",\"replicas\":0}")))
        .isEqualTo(
            Refused.overLimits(
                "namespace pitcrew is protected: runbook scale_deployment never changes it"));
    // Its own pods' logs hold every question and answer: no read there either.
    assertThat(
            catalog
                .find("deployment_status")
                .orElseThrow()
                .execute(read("{\"namespace\":\"pitcrew\",\"name\":\"pitcrew\"}"), null))
        .isEqualTo(
            Refused.overLimits(
                "namespace pitcrew is protected: runbook deployment_status never reads it"));
  }

  private static List<RunbookSource> fakeCatalogSources() {
    return RunbookSource.shipped().stream()
        .filter(s -> s.origin().endsWith("/scale_deployment.yaml"))
        .toList();
  }

  private String reject(RunbookCatalog catalog, String arguments) {
    ArgumentCheck check = catalog.check("scale_deployment", arguments);
    assertThat(check).isInstanceOf(ArgumentCheck.Rejected.class);
    return ((ArgumentCheck.Rejected) check).error();
  }

  private void load(String yaml) {
    RunbookCatalog.load(actions, List.of(new RunbookSource("bad.yaml", yaml)));
  }

  /** A valid runbook; line numbers matter to the tests above. */
  private static String runbook(String name, String action) {
    return "name: "
        + name
        + "\n" // 1
        + "action: "
        + action
        + "\n" // 2
        + "description: d\n" // 3
        + "parameters:\n" // 4
        + "  type: object\n" // 5
        + "  additionalProperties: false\n" // 6
        + "  required: [namespace, name, replicas]\n" // 7
        + "  properties:\n" // 8
        + "    namespace:\n" // 9
        + "      type: string\n" // 10
        + "    name:\n" // 11
        + "      type: string\n" // 12
        + "    replicas:\n" // 13
        + "      type: integer\n" // 14
        + "      maximum: 20\n"; // 15
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
