package dev.pitcrew.approvals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Who may use which runbook where, on which cluster, and as whom Pitcrew calls Kubernetes. */
class UsePolicyTest {
  private static final String YAML =
      """
      ask:
        users: [UALICE, UBOB, UCAROL, UPAY]
        runbooks:
          scale_deployment:
            groups: [SSRE]
            namespaces:
              payments: {users: [UPAY]}
          delete_pod:
            namespaces:
              payments: {users: [UPAY]}
          node_drain_off:
            users: [UCAROL]
        clusters:
          prod: {groups: [SSRE]}
      kubernetes:
        identity: requester
        users: {UBOB: bob@example.com}
        groups: {SSRE: [sre, oncall]}
      approvals:
        approvers: [ULEAD]
        clusters:
          prod: {minApprovals: 2}
          staging: {approvers: [UDEV]}
      """;

  private static final GroupDirectory GROUPS =
      group -> group.equals("SSRE") ? Set.of("UALICE") : Set.of();

  private final PolicyFile.Policies policies =
      PolicyFile.parse("p.yaml", YAML, Optional.empty(), Optional.empty());
  private final AccessPolicy access = policies.access();

  @ParameterizedTest(name = "{0} {1} in {2} on {3}: {4}")
  @CsvSource(
      nullValues = "-",
      value = {
        // a runbook with a rule: only its group, except where a namespace rule replaces it
        "UALICE, scale_deployment, shop,     -,       -",
        "UBOB,   scale_deployment, shop,     -,       you may not use runbook scale_deployment in"
            + " namespace shop (policy rule ask.runbooks.scale_deployment)",
        "UPAY,   scale_deployment, payments, -,       -",
        "UALICE, scale_deployment, payments, -,       you may not use runbook scale_deployment in"
            + " namespace payments (policy rule ask.runbooks.scale_deployment.namespaces.payments)",
        // a rule with only namespace rules leaves every other namespace open
        "UBOB,   delete_pod,       shop,     -,       -",
        "UBOB,   delete_pod,       payments, -,       you may not use runbook delete_pod in"
            + " namespace payments (policy rule ask.runbooks.delete_pod.namespaces.payments)",
        // a runbook without a rule: whoever may ask
        "UBOB,   list_pods,        payments, -,       -",
        // a cluster rule comes first, whatever the runbook
        "UBOB,   list_pods,        shop,     prod,    you may not use cluster prod (policy rule"
            + " ask.clusters.prod)",
        "UALICE, list_pods,        shop,     prod,    -",
        "UBOB,   list_pods,        shop,     staging, -",
        // no namespace (a node runbook): the runbook's own rule
        "UCAROL, node_drain_off,   -,        -,       -",
        "UBOB,   node_drain_off,   -,        -,       you may not use runbook node_drain_off"
            + " (policy rule ask.runbooks.node_drain_off)",
      })
  void whoMayUseWhichRunbookWhere(
      String user, String runbook, String namespace, String cluster, String refusal) {
    assertThat(access.useRefusal(user, runbook, namespace, cluster, GROUPS))
        .isEqualTo(Optional.ofNullable(refusal));
  }

  @Test
  void aRunbookIsOfferedToWhoeverMayUseItSomewhere() {
    assertThat(access.offers("UALICE", "scale_deployment", GROUPS)).isTrue();
    assertThat(access.offers("UPAY", "scale_deployment", GROUPS)).isTrue(); // in payments
    assertThat(access.offers("UBOB", "scale_deployment", GROUPS)).isFalse();
    assertThat(access.offers("UBOB", "delete_pod", GROUPS)).isTrue(); // all but payments
    assertThat(access.offers("UBOB", "node_drain_off", GROUPS)).isFalse();
    assertThat(access.offers("UBOB", "list_pods", GROUPS)).isTrue();
  }

  @Test
  void clusterRulesComeUnderTheRunbookAndNamespaceRulesAndNeverLowerTheCount() {
    ApprovalPolicy approvals =
        PolicyFile.parse(
                "p.yaml",
                YAML
                    + """
                  namespaces:
                    shop: {minApprovals: 1, approvers: [USHOP]}
                """,
                Optional.empty(),
                Optional.empty())
            .approvals();
    assertThat(approvals.ruleFor("scale_deployment", "cart", "prod").minApprovals()).isEqualTo(2);
    assertThat(approvals.ruleFor("scale_deployment", "cart", "staging").approvers())
        .containsExactly("UDEV");
    assertThat(approvals.ruleFor("scale_deployment", "cart", null).minApprovals()).isEqualTo(1);
    // the namespace names other approvers, but prod still needs two of them
    ApprovalRule shopOnProd = approvals.ruleFor("scale_deployment", "shop", "prod");
    assertThat(shopOnProd.approvers()).containsExactly("USHOP");
    assertThat(shopOnProd.minApprovals()).isEqualTo(2);
  }

  private static Proposal scale(String argumentsJson) {
    return new Proposal(
        "scale_deployment",
        "shop",
        Json.object(argumentsJson),
        "change",
        List.of(),
        "UREQ",
        "pc-1",
        "C1",
        "1.0",
        null);
  }

  @Test
  void theClusterOfARequestIsItsClusterArgument() {
    assertThat(scale("{\"cluster\":\"prod\",\"namespace\":\"shop\"}").cluster()).isEqualTo("prod");
    assertThat(scale("{}").cluster()).isNull();
  }

  @Test
  void theKubernetesSectionSaysAsWhomPitcrewCalls() {
    KubernetesIdentity k = policies.kubernetes();
    assertThat(k.impersonates()).isTrue();
    assertThat(k.mapped("UBOB")).contains("bob@example.com");
    assertThat(k.mapped("UALICE")).isEmpty();
    assertThat(k.groups()).isEqualTo(Map.of("SSRE", List.of("sre", "oncall")));
    assertThat(k.fromEmail()).isFalse(); // off unless the file turns it on
    assertThat(
            PolicyFile.parse("p.yaml", "ask: {}\n", Optional.empty(), Optional.empty())
                .kubernetes())
        .isEqualTo(KubernetesIdentity.bot());
  }

  @Test
  void aBadKubernetesSectionIsNamedWithItsLine() {
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml", "kubernetes:\n  identity: me\n", Optional.empty(), Optional.empty()))
        .hasMessage("p.yaml:2: kubernetes.identity: must be bot or requester, was 'me'");
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml",
                    "kubernetes:\n  identity: requester\n  groups:\n    SSRE: []\n",
                    Optional.empty(),
                    Optional.empty()))
        .hasMessage("p.yaml:4: kubernetes.groups.SSRE: expected a list of Kubernetes group names");
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml",
                    "kubernetes:\n  users:\n    U1: \"a\\r\\nb\"\n",
                    Optional.empty(),
                    Optional.empty()))
        .hasMessage("p.yaml:3: kubernetes.users.U1: expected a Kubernetes user name");
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml",
                    "kubernetes:\n  identty: requester\n",
                    Optional.empty(),
                    Optional.empty()))
        .hasMessageStartingWith(
            "p.yaml:2: kubernetes.identty: unknown field; known: email, emailDomains, groups,");
  }

  @Test
  void emailMappingIsOffUnlessOnAndThenOnlyForTheListedDomains() {
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml",
                    "kubernetes:\n  identity: requester\n  email: true\n",
                    Optional.empty(),
                    Optional.empty()))
        .hasMessageStartingWith("p.yaml:3: kubernetes.email: needs kubernetes.emailDomains");
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml",
                    "kubernetes:\n  email: true\n  emailDomains: ['@Example.com']\n",
                    Optional.empty(),
                    Optional.empty()))
        .hasMessage(
            "p.yaml:3: kubernetes.emailDomains: '@Example.com' is not a lower-case domain such as"
                + " example.com");
    KubernetesIdentity k =
        PolicyFile.parse(
                "p.yaml",
                "kubernetes:\n  identity: requester\n  email: true\n  emailDomains:"
                    + " [example.com]\n",
                Optional.empty(),
                Optional.empty())
            .kubernetes();
    assertThat(k.emailAllowed("bob@example.com")).isTrue();
    assertThat(k.emailAllowed("bob@EXAMPLE.com")).isTrue();
    assertThat(k.emailAllowed("bob@example.com.evil.example")).isFalse();
    assertThat(k.emailAllowed("bob@sub.example.com")).isFalse();
  }

  @Test
  void runbooksAndClustersTheFileNamesButNobodyHasAreNamedWithTheirLine() {
    assertThat(policies.unknownRunbook(Set.of("scale_deployment", "delete_pod", "list_pods")))
        .contains(
            "p.yaml:11: ask.runbooks.node_drain_off: no runbook of that name is loaded (loaded:"
                + " delete_pod, list_pods, scale_deployment)");
    assertThat(policies.unknownCluster(Set.of("prod")))
        .contains(
            "p.yaml:23: approvals.clusters.staging: no cluster of that name is configured"
                + " (configured: prod)");
    assertThat(policies.unknownCluster(Set.of()))
        .contains(
            "p.yaml:22: approvals.clusters.prod: no cluster of that name is configured"
                + " (configured: none)");
    assertThat(policies.unknownCluster(Set.of("prod", "staging"))).isEmpty();
  }
}
