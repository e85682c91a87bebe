package dev.pitcrew.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitcrew.approvals.ApprovalRequest;
import dev.pitcrew.approvals.GroupDirectory;
import dev.pitcrew.approvals.PolicyFile;
import dev.pitcrew.bot.audit.AuditEvent;
import dev.pitcrew.bot.config.Config;
import dev.pitcrew.bot.core.Ask;
import dev.pitcrew.bot.core.RecordingSurface;
import dev.pitcrew.bot.kube.ClusterClients;
import dev.pitcrew.bot.kube.Clusters;
import dev.pitcrew.bot.testing.RbacCluster;
import dev.pitcrew.bot.testing.ScriptedOpenAi;
import dev.pitcrew.remediations.Cluster;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 end to end below the chat platform: the real core, runbooks and approval path over two
 * Fabric8 mock API servers as two named clusters ({@link RbacCluster}: impersonation headers
 * recorded, a table of grants standing in for RBAC), the real OpenAI SDK against a scripted server.
 * Slack is replaced by a recording surface; SlackEndToEndTest covers it.
 */
class ActAsRequesterTest {
  private static final String POLICY =
      """
      ask:
        runbooks:
          scale_deployment:
            groups: [SSRE]
      kubernetes:
        identity: requester
        users: {UALICE: alice@example.com}
        groups: {SSRE: [sre]}
        email: true
        emailDomains: [example.com]
      approvals:
        approvers: [ULEAD, ULEAD2]
        clusters:
          prod: {minApprovals: 2}
      """;

  private static final GroupDirectory GROUPS =
      group -> group.equals("SSRE") ? Set.of("UALICE") : Set.of();

  private final RbacCluster prod = new RbacCluster();
  private final RbacCluster staging = new RbacCluster();
  private final RecordingSurface surface = new RecordingSurface();
  private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
  private final Map<String, io.fabric8.kubernetes.client.KubernetesClient> named =
      new LinkedHashMap<>();
  private ScriptedOpenAi llm;
  private Core core;

  @BeforeEach
  void start() throws Exception {
    for (RbacCluster c : List.of(prod, staging)) {
      Cluster seed = new Cluster(c.client);
      seed.reset("shop");
      seed.checkoutAfterBadRollout("shop");
      for (String user : List.of("alice@example.com", "bob@example.com")) {
        for (String resource : List.of("deployments", "replicasets", "pods")) {
          c.grant(user, "get", resource, "shop").grant(user, "list", resource, "shop");
        }
      }
      c.grant("alice@example.com", "patch", "deployments", "shop")
          .grant("alice@example.com", "create", "events", "shop");
    }
    llm = new ScriptedOpenAi();
    PolicyFile.Policies policies =
        PolicyFile.parse("policy.yaml", POLICY, Optional.empty(), Optional.empty());
    // Built as PITCREW_CLUSTERS builds them, so a cluster that is down fails as fast here.
    named.put("prod", clientLikeConfigured(prod));
    named.put("staging", clientLikeConfigured(staging));
    Clock clock = Clock.systemUTC();
    core =
        Core.create(
            Core.settings()
                .llm(
                    Optional.of(new Config.Llm("sk-test", URI.create(llm.baseUrl()), "test-model")))
                .policy(policies.approvals().withGroups(GROUPS))
                .clock(clock)
                .rolloutPoll(Duration.ofMillis(200))
                .sweepEvery(Duration.ofMinutes(1))
                .people(
                    new Core.People(
                        policies.access(),
                        policies.kubernetes(),
                        user ->
                            user.equals("UBOB") ? Optional.of("bob@example.com") : Optional.empty(),
                        GROUPS))
                .masking(policies.masking())
                .limits(policies.limits())
                .build(),
            Clusters.named(named.get("prod"), named),
            surface,
            List.of(audit::add));
  }

  private static io.fabric8.kubernetes.client.KubernetesClient clientLikeConfigured(
      RbacCluster cluster) {
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(
            ClusterClients.fastFailing(
                new io.fabric8.kubernetes.client.ConfigBuilder(cluster.client.getConfiguration())
                    .build()))
        .build();
  }

  @AfterEach
  void stop() {
    core.close();
    named.values().forEach(io.fabric8.kubernetes.client.KubernetesClient::close);
    llm.close();
    prod.close();
    staging.close();
  }

  private static Ask ask(String user) {
    return new Ask(Ask.newCorrelationId(), user, "COPS", "1700000000.000100");
  }

  private String said(String user, String text) {
    int before = surface.said.size();
    core.conversations.handle(ask(user), text);
    await().until(() -> surface.said.size() > before);
    return String.join("\n", surface.said.subList(before, surface.said.size()));
  }

  /** Asks for a change and waits for its card. */
  private ApprovalRequest proposed(String user, String text) {
    int before = surface.cards.size();
    core.conversations.handle(ask(user), text);
    await().until(() -> surface.cards.size() > before);
    return surface.cards.get(before);
  }

  @Test
  void readsTheDryRunAndTheApprovedWriteAllRunAsTheRequesterWithApproverAndCorrelationId() {
    assertThat(said("UALICE", "run deployment_status cluster=staging namespace=shop name=checkout"))
        .contains("On cluster staging: deployment shop/checkout");
    ApprovalRequest card =
        proposed(
            "UALICE",
            "run scale_deployment cluster=staging namespace=shop name=checkout replicas=4");
    assertThat(card.previewSummary()).startsWith("On cluster staging: ");
    // The audit feed names the cluster too.
    await()
        .until(
            () ->
                audit.stream()
                    .anyMatch(
                        e ->
                            e.type() == AuditEvent.Type.APPROVAL_REQUESTED
                                && e.summary().startsWith("On cluster staging: ")));

    core.path.decisions().approve(card.id(), "ULEAD", "COPS");
    await().until(() -> String.join("\n", surface.said).contains("Done: On cluster staging"));

    List<RbacCluster.Seen> seen = staging.impersonated();
    assertThat(seen).isNotEmpty();
    assertThat(seen)
        .allSatisfy(
            s -> {
              assertThat(s.user()).isEqualTo("alice@example.com");
              assertThat(s.groups()).containsExactly("sre");
              assertThat(s.extras()).containsKey("pitcrew.dev/correlation-id");
            });
    RbacCluster.Seen dryRun =
        seen.stream().filter(s -> s.path().contains("dryRun=All")).findFirst().orElseThrow();
    assertThat(dryRun.extras()).doesNotContainKey("pitcrew.dev/approved-by");
    RbacCluster.Seen write =
        seen.stream()
            .filter(s -> s.method().equals("PATCH") && !s.path().contains("dryRun"))
            .findFirst()
            .orElseThrow();
    assertThat(write.extras())
        .containsEntry("pitcrew.dev/approved-by", List.of("ULEAD"))
        .containsEntry("pitcrew.dev/correlation-id", List.of(card.correlationId()));
    // Every call of the request was impersonated: none went out with Pitcrew's own rights.
    assertThat(staging.seen.subList(staging.seen.size() - seen.size(), staging.seen.size()))
        .allSatisfy(s -> assertThat(s.user()).isNotNull());
    assertThat(prod.impersonated()).isEmpty();
    assertThat(
            staging
                .client
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("checkout")
                .get()
                .getMetadata()
                .getAnnotations())
        .containsEntry("pitcrew.dev/cluster", "staging");
  }

  @Test
  void aChangeTheRequesterMayNotMakeIsRefusedBeforeAnyCardInTheClustersWords() {
    String answer =
        said("UBOB", "run restart_deployment cluster=staging namespace=shop name=checkout");

    assertThat(answer)
        .contains("bob@example.com may not patch deployments in shop (Kubernetes RBAC)");
    assertThat(surface.cards).isEmpty();
  }

  @Test
  void someoneWithNoKubernetesUserIsRefusedAndNothingRunsWithPitcrewsRights() {
    int before = staging.seen.size();

    String answer =
        said("UCAROL", "run deployment_status cluster=staging namespace=shop name=checkout");

    assertThat(answer).contains("UCAROL has no Kubernetes user").contains("kubernetes.users");
    assertThat(staging.seen).hasSize(before);
  }

  @Test
  void theModelIsOfferedOnlyTheRunbooksTheRequesterMayUse() {
    llm.thenAnswer("ok").thenAnswer("ok");

    said("UBOB", "why is checkout crashlooping?");
    said("UALICE", "why is checkout crashlooping?");

    assertThat(toolNames(llm.requests().get(0)))
        .contains("deployment_status")
        .doesNotContain("scale_deployment");
    assertThat(toolNames(llm.requests().get(1))).contains("deployment_status", "scale_deployment");
    // The runbooks command lists what the asker may use, as the model is offered it.
    assertThat(said("UBOB", "runbooks"))
        .contains("deployment_status")
        .doesNotContain("scale_deployment");
    assertThat(said("UALICE", "runbooks")).contains("scale_deployment");
    assertThat(
            said(
                "UBOB",
                "run scale_deployment cluster=staging namespace=shop name=checkout replicas=4"))
        .contains(
            "you may not use runbook scale_deployment in namespace shop (policy rule"
                + " ask.runbooks.scale_deployment)");
    assertThat(surface.cards).isEmpty();
  }

  @Test
  void eachClusterHasItsOwnRulesAndOneDownLeavesTheOtherAlone() {
    proposed("UALICE", "run scale_deployment cluster=prod namespace=shop name=checkout replicas=4");
    proposed(
        "UALICE", "run scale_deployment cluster=staging namespace=shop name=checkout replicas=4");
    assertThat(surface.cards).extracting(ApprovalRequest::requiredApprovals).containsExactly(2, 1);

    staging.stop();
    assertThat(said("UALICE", "run deployment_status cluster=staging namespace=shop name=checkout"))
        .contains("could not reach the API server");
    assertThat(said("UALICE", "run deployment_status cluster=prod namespace=shop name=checkout"))
        .contains("On cluster prod: deployment shop/checkout");
    assertThat(said("UALICE", "run deployment_status namespace=shop name=checkout"))
        .contains("cluster is required (one of prod, staging)");
  }

  private static List<String> toolNames(JsonNode request) {
    return StreamSupport.stream(request.path("tools").spliterator(), false)
        .map(t -> t.path("function").path("name").asText())
        .toList();
  }
}
