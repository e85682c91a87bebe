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
import dev.pitcrew.remediations.Risk;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunbookCatalogTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An action that records calls instead of touching a cluster; replicas start at 3. */
  static final class FakeScale implements Remediation {
    final AtomicInteger executions = new AtomicInteger();

    @Override
    public String name() {
      return "deployment.scale";
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
              + "\"replicas\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000}}}");
    }

    @Override
    public Preview preview(JsonNode arguments) {
      int to = arguments.path("replicas").asInt();
      return new Plan(
          "scale to " + to,
          List.of(new dev.pitcrew.remediations.Change("spec.replicas", 3, to)),
          java.util.Map.of());
    }

    @Override
    public Outcome execute(JsonNode arguments, ChangeContext context) {
      executions.incrementAndGet();
      return new dev.pitcrew.remediations.Applied("scaled", java.util.Map.of(), java.util.Map.of());
    }
  }

  static final class FakeStatus implements Remediation {
    @Override
    public String name() {
      return "deployment.status";
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
              + "\"properties\":{\"namespace\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"}}}");
    }

    @Override
    public Outcome execute(JsonNode arguments, ChangeContext context) {
      return new dev.pitcrew.remediations.Observed("ok", java.util.Map.of());
    }
  }

  private final FakeScale scale = new FakeScale();
  private final List<Remediation> actions = List.of(scale, new FakeStatus());

  @Test
  void shippedRunbooksLoadAsToolsWithStrictSchemas() {
    RunbookCatalog catalog = RunbookCatalog.shipped(actions);

    assertThat(catalog.runbooks())
        .extracting(Runbook::name)
        .containsExactly("deployment_status", "scale_deployment");
    ToolSpec tool = catalog.find("scale_deployment").orElseThrow().toolSpec();
    assertThat(tool.risk()).isEqualTo(Risk.MUTATE);
    assertThat(tool.parameters().path("additionalProperties").asBoolean(true)).isFalse();
    assertThat(tool.description()).contains("When to use:").contains("When not to use:");
    assertThat(catalog.find("scale_deployment").orElseThrow().limits().protectedNamespaces())
        .contains("kube-system");
  }

  @Test
  void unknownToolIsRejectedWithTheToolsThatExist() {
    ArgumentCheck check = RunbookCatalog.shipped(actions).check("delete_cluster", "{}");
    assertThat(check)
        .isEqualTo(
            new ArgumentCheck.Rejected(
                "unknown tool 'delete_cluster'; available tools: deployment_status,"
                    + " scale_deployment"));
  }

  @Test
  void argumentsThatAreNotJsonAreRejected() {
    ArgumentCheck check =
        RunbookCatalog.shipped(actions).check("scale_deployment", "{\"namespace\": shop");
    assertThat(((ArgumentCheck.Rejected) check).error())
        .startsWith("arguments for scale_deployment are not valid JSON");
  }

  @Test
  void argumentsOutsideTheRunbookSchemaAreRejected() {
    RunbookCatalog catalog = RunbookCatalog.shipped(actions);

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

  @Test
  void validArgumentsAreAccepted() {
    ArgumentCheck check =
        RunbookCatalog.shipped(actions)
            .check(
                "scale_deployment",
                "{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}");
    assertThat(check).isInstanceOf(ArgumentCheck.Accepted.class);
    assertThat(((ArgumentCheck.Accepted) check).arguments().path("replicas").asInt()).isEqualTo(5);
  }

  @Test
  void protectedNamespaceIsNeverChangedButCanBeRead() {
    RunbookCatalog catalog = RunbookCatalog.shipped(actions);
    Runbook runbook = catalog.find("scale_deployment").orElseThrow();
    JsonNode args = read("{\"namespace\":\"kube-system\",\"name\":\"coredns\",\"replicas\":3}");

    assertThat(runbook.preview(args))
        .isEqualTo(
            new Refused(
                "namespace kube-system is protected: runbook scale_deployment never changes it"));
    assertThat(runbook.execute(args, new ChangeContext("pc-1", "U1", "U2")))
        .isInstanceOf(Refused.class);
    assertThat(scale.executions).hasValue(0);

    Runbook status = catalog.find("deployment_status").orElseThrow();
    assertThat(status.execute(read("{\"namespace\":\"kube-system\",\"name\":\"coredns\"}"), null))
        .isNotInstanceOf(Refused.class);
  }

  @Test
  void scaleStepLargerThanTheRunbookAllowsIsRefused() {
    Runbook runbook = RunbookCatalog.shipped(actions).find("scale_deployment").orElseThrow();

    assertThat(runbook.preview(read("{\"namespace\":\"shop\",\"name\":\"c\",\"replicas\":13}")))
        .isInstanceOf(Plan.class);
    assertThat(runbook.preview(read("{\"namespace\":\"shop\",\"name\":\"c\",\"replicas\":14}")))
        .isEqualTo(
            new Refused(
                "scaling from 3 to 14 changes replicas by 11; runbook scale_deployment allows at"
                    + " most 10 per approval"));
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
            new Refused("runbook scale_shop may only be used in namespaces shop, not payments"));
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
    List<RunbookSource> sources = new ArrayList<>(RunbookSource.shipped());
    sources.add(new RunbookSource("mine.yaml", runbook("scale_deployment", "deployment.scale")));
    assertThatThrownBy(() -> RunbookCatalog.load(actions, sources))
        .hasMessageStartingWith("mine.yaml:1: name: 'scale_deployment' is already defined in");
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
