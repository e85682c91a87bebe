package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitcrew.bot.testing.FakeSlack;
import dev.pitcrew.bot.testing.McpAgent;
import dev.pitcrew.remediations.Deployments;
import dev.pitcrew.remediations.EnableDryRunMockClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pitcrew as an MCP server, driven by the MCP SDK's own client over Streamable HTTP: agents look
 * and propose through the same tool path as the model, as the person their token maps to, and a
 * person approves in Slack. Fabric8's CRUD mock is the cluster (no RBAC, no admission webhooks);
 * the fake Slack Web API records the cards.
 */
@EnableDryRunMockClient
class McpEndToEndTest {
  static KubernetesClient client;

  private static final String ALICE_TOKEN = "alice-laptop-token-0123456789abcdef";
  private static final String BOB_TOKEN = "bob-agent-token-0123456789abcdef";
  private static final String APPROVALS = "CAPPROVALS";
  private static final Pattern APPROVAL_ID = Pattern.compile("apr-[0-9a-f]+");
  private static final Pattern CORRELATION_ID = Pattern.compile("pc-[0-9a-f]{12}");

  @RegisterExtension final RunningPitcrew app = new RunningPitcrew();

  private final List<McpAgent> clients = new java.util.ArrayList<>();

  private static String sha256(String token) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    client.apps().deployments().inAnyNamespace().delete();
    client.resource(Deployments.ready("shop", "checkout", 3)).create();
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        """
        ask:
          runbooks:
            scale_deployment: {users: [UALICE]}
        approvals:
          approvers: [ULEAD]
        limits:
          asksPerHour: 3
        mcp:
          channel: %s
          clients:
            - {name: alice-laptop, tokenSha256: %s, as: UALICE}
            - {name: bob-agent, tokenSha256: %s, as: UBOB}
        """
            .formatted(APPROVALS, sha256(ALICE_TOKEN), sha256(BOB_TOKEN)));
    app.withoutModel().env().put("PITCREW_CONFIG", policy.toString());
    app.start(client);
  }

  @AfterEach
  void closeClients() {
    clients.forEach(McpAgent::close);
  }

  private McpAgent connect(String token) {
    McpAgent agent = McpAgent.connect("http://127.0.0.1:" + app.pitcrew.port(), token);
    clients.add(agent);
    return agent;
  }

  private static String text(McpSchema.CallToolResult result) {
    return McpAgent.text(result);
  }

  private static String first(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group();
  }

  private int replicas() {
    return client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("checkout")
        .get()
        .getSpec()
        .getReplicas();
  }

  @Test
  void eachAgentSeesTheRunbooksItsPersonMayUseWithTheModelsSchemasAndHints() {
    List<McpSchema.Tool> alice = connect(ALICE_TOKEN).tools();
    List<McpSchema.Tool> bob = connect(BOB_TOKEN).tools();

    assertThat(alice)
        .extracting(McpSchema.Tool::name)
        .contains("deployment_status", "scale_deployment", "approval_status")
        .doesNotContain("approve", "approval_approve");
    assertThat(bob).extracting(McpSchema.Tool::name).doesNotContain("scale_deployment");
    McpSchema.Tool status = tool(alice, "deployment_status");
    assertThat(status.annotations().readOnlyHint()).isTrue();
    assertThat(String.valueOf(status.inputSchema().get("required"))).contains("namespace", "name");
    McpSchema.Tool scale = tool(alice, "scale_deployment");
    assertThat(scale.annotations().destructiveHint()).isTrue();
    assertThat(scale.description()).contains("never changes anything itself");
  }

  private static McpSchema.Tool tool(List<McpSchema.Tool> tools, String name) {
    return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aReadRunsAtOnceAndAChangeWaitsForAPersonWhoseApprovalRunsItOnce() throws Exception {
    McpAgent alice = connect(ALICE_TOKEN);

    String status =
        text(alice.call("deployment_status", Map.of("namespace", "shop", "name", "checkout")));
    assertThat(status).contains("deployment shop/checkout: 3 desired, 3 ready");

    McpSchema.CallToolResult proposed =
        alice.call(
            "scale_deployment", Map.of("namespace", "shop", "name", "checkout", "replicas", 5));
    String answer = text(proposed);
    assertThat(proposed.isError()).isNotEqualTo(Boolean.TRUE);
    assertThat(answer)
        .contains("Approval requested")
        .contains("Scale deployment shop/checkout from 3 to 5 replicas")
        .contains("waits in channel " + APPROVALS);
    String id = first(APPROVAL_ID, answer);
    String correlationId = first(CORRELATION_ID, answer);
    FakeSlack.Call card = app.awaitCard(correlationId);
    assertThat(card.param("channel")).isEqualTo(APPROVALS);
    assertThat(card.param("blocks")).contains("Proposed over MCP by the agent alice-laptop");
    assertThat(replicas()).as("nothing changes before a person approves").isEqualTo(3);
    assertThat(alice.status(id)).startsWith("pending: " + id);
    // The thread says who asked and through which agent; the audit feed too.
    assertThat(app.slack.calls("chat.postMessage"))
        .anySatisfy(c -> assertThat(c.param("blocks")).contains("via MCP, client alice-laptop"));
    await()
        .atMost(RunningPitcrew.PATIENCE)
        .until(
            () ->
                app.slack.auditLines(RunningPitcrew.AUDIT, correlationId, "*asked*").stream()
                    .anyMatch(line -> line.contains("via MCP, client alice-laptop")));

    app.approve("ULEAD", APPROVALS, card);
    app.awaitReplicas("shop", "checkout", 5);
    await().atMost(RunningPitcrew.PATIENCE).until(() -> alice.status(id).startsWith("done: " + id));

    await()
        .atMost(RunningPitcrew.PATIENCE)
        .until(
            () ->
                app.slack.auditLines(RunningPitcrew.AUDIT, correlationId, "*executed*").size()
                    == 1);

    app.approve("ULEAD", APPROVALS, card); // a second approval of the same ID changes nothing
    await().atMost(RunningPitcrew.PATIENCE).until(() -> !app.slack.ephemeralTo("ULEAD").isEmpty());
    assertThat(app.slack.auditLines(RunningPitcrew.AUDIT, correlationId, "*executed*")).hasSize(1);
    assertThat(replicas()).isEqualTo(5);
    // Another person's agent cannot even see it.
    assertThat(connect(BOB_TOKEN).status(id)).startsWith("unknown:");
  }

  @Test
  void anAgentsCallsCountAgainstItsPersonsHourlyBudget() {
    McpAgent alice = connect(ALICE_TOKEN);
    Map<String, Object> checkout = Map.of("namespace", "shop", "name", "checkout");
    for (int i = 0; i < 3; i++) {
      assertThat(alice.call("deployment_status", checkout).isError()).isNotEqualTo(Boolean.TRUE);
    }

    McpSchema.CallToolResult over = alice.call("deployment_status", checkout);

    assertThat(over.isError()).isTrue();
    assertThat(text(over)).contains("Not taken: you have made 3 requests in the last hour");
  }

  @Test
  void aToolThePersonMayNotUseIsRefusedAndNothingIsProposed() {
    McpSchema.CallToolResult refused =
        connect(BOB_TOKEN)
            .call(
                "scale_deployment", Map.of("namespace", "shop", "name", "checkout", "replicas", 5));

    assertThat(refused.isError()).isTrue();
    assertThat(text(refused)).contains("scale_deployment is not a tool you may use");
    assertThat(app.slack.cards()).isEmpty();
  }

  @Test
  void anUnknownTokenABrowserOriginAndAnythingButPostAreRefused() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{}}";
    URI uri = URI.create("http://127.0.0.1:" + app.pitcrew.port() + "/mcp");

    HttpResponse<String> unknown =
        http.send(
            HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer not-a-token-anyone-has-0123456789")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(initialize))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(unknown.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"pitcrew\"");
    assertThat(unknown.body()).doesNotContain("deployment_status");

    HttpResponse<String> browser =
        http.send(
            HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + ALICE_TOKEN)
                .header("Origin", "http://evil.example")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(initialize))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(browser.statusCode()).isEqualTo(403);

    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + ALICE_TOKEN)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
  }
}
