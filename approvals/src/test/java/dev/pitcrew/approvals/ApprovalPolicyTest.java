package dev.pitcrew.approvals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The policy matrix: who may approve what, from a policy file as an operator writes it. */
class ApprovalPolicyTest {
  private static final String YAML =
      """
      ask:
        channels: [COPS]
        users: [UALICE]
        groups: [SONCALL]
      approvals:
        approvers: [ULEAD]
        groups: [SSRE]
        expiry: PT15M
        runbooks:
          restart_deployment: {expiry: PT5M, allowSelfApproval: true}
        namespaces:
          payments: {groups: [SPAYONCALL], minApprovals: 2}
      """;

  private static final GroupDirectory GROUPS =
      group ->
          switch (group) {
            case "SSRE" -> Set.of("USRE1", "USRE2");
            case "SPAYONCALL" -> Set.of("UPAY1", "UPAY2", "UREQ");
            case "SONCALL" -> Set.of("UBOB");
            default -> Set.of();
          };

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));
  private final PolicyFile.Policies policies =
      PolicyFile.parse("policy.yaml", YAML, Optional.empty(), Optional.empty());
  private final ApprovalPolicy policy = policies.approvals().withGroups(GROUPS);
  private final Approvals approvals =
      new Approvals(
          ApprovalStore.inMemory(() -> clock.millis() * 1_000_000L, Duration.ofDays(1)),
          policy,
          clock);

  private ApprovalRequest open(String runbook, String namespace) {
    return approvals.open(
        new Proposal(
            runbook,
            namespace,
            Json.object("{}"),
            "change",
            List.of(),
            "UREQ",
            "pc-1",
            "COPS",
            "1.1",
            null));
  }

  @Test
  void matrixForTheDefaultRule() {
    ApprovalRequest r = open("scale_deployment", "shop");

    assertThat(policy.approvalRefusal(r, "UREQ"))
        .contains("you asked for this change, so someone else has to approve it");
    assertThat(policy.approvalRefusal(r, "UBYSTANDER"))
        .hasValueSatisfying(m -> assertThat(m).contains("not an approver"));
    assertThat(policy.approvalRefusal(r, "ULEAD")).isEmpty(); // named approver
    assertThat(policy.approvalRefusal(r, "USRE2")).isEmpty(); // group member
    assertThat(policy.approvalRefusal(r, "UPAY1")).isPresent(); // payments group, not here
    assertThat(r.requiredApprovals()).isEqualTo(1);
    assertThat(r.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
  }

  @Test
  void namespaceNeedsItsOwnGroupAndTwoDistinctApprovers() {
    ApprovalRequest r = open("scale_deployment", "payments");

    assertThat(policy.approvalRefusal(r, "ULEAD")).isPresent(); // default approvers do not apply
    assertThat(policy.approvalRefusal(r, "UREQ")).isPresent(); // in the group, but the requester

    Decision first = approvals.approve(r.id(), "UPAY1");
    assertThat(first).isInstanceOf(Decision.Recorded.class);
    assertThat(((Decision.Recorded) first).request().remainingApprovals()).isEqualTo(1);
    assertThat(approvals.approve(r.id(), "UPAY1"))
        .isInstanceOfSatisfying(
            Decision.Refused.class, d -> assertThat(d.reason()).startsWith("you already approved"));
    Decision second = approvals.approve(r.id(), "UPAY2");
    assertThat(second).isInstanceOf(Decision.Approved.class);
    assertThat(((Decision.Approved) second).request().approvals())
        .containsExactly("UPAY1", "UPAY2");
  }

  @Test
  void runbookRuleAllowsSelfApprovalWithItsOwnExpiry() {
    ApprovalRequest r = open("restart_deployment", "shop");

    assertThat(r.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
    assertThat(policy.approvalRefusal(r, "UREQ"))
        .isPresent(); // allowed self-approval, but not an approver
    ApprovalPolicy withRequesterAsApprover =
        PolicyFile.parse("p", YAML, Optional.of(Set.of("UREQ")), Optional.empty()).approvals();
    assertThat(withRequesterAsApprover.approvalRefusal(r, "UREQ")).isEmpty();
  }

  @Test
  void membershipIsReadAtClickTime() {
    ApprovalRequest r = open("scale_deployment", "shop");
    Set<String> sre = new java.util.HashSet<>(Set.of("USRE1"));
    ApprovalPolicy live =
        policies.approvals().withGroups(g -> g.equals("SSRE") ? Set.copyOf(sre) : Set.of());

    assertThat(live.approvalRefusal(r, "UNEW")).isPresent();
    sre.add("UNEW"); // joined the group after the card was posted
    assertThat(live.approvalRefusal(r, "UNEW")).isEmpty();
  }

  @Test
  void denyIsForApproversAndTheRequester() {
    ApprovalRequest r = open("scale_deployment", "payments");
    assertThat(policy.denialRefusal(r, "UREQ")).isEmpty();
    assertThat(policy.denialRefusal(r, "UPAY2")).isEmpty();
    assertThat(policy.denialRefusal(r, "UBYSTANDER")).isPresent();
  }

  @Test
  void whoMayAsk() {
    AccessPolicy access = policies.access();
    assertThat(access.refusal("COPS", "UALICE", GROUPS)).isEmpty();
    assertThat(access.refusal("COPS", "UBOB", GROUPS)).isEmpty(); // via group
    assertThat(access.refusal("COPS", "UMALLORY", GROUPS))
        .contains("you are not on the list of people who may ask Pitcrew");
    assertThat(access.refusal("CRANDOM", "UALICE", GROUPS))
        .contains("Pitcrew does not take requests in this channel");
    assertThat(AccessPolicy.open().refusal("ANY", "ANYONE", GROUPS)).isEmpty();
  }

  @Test
  void environmentOverridesReplaceDefaultApproversAndExpiry() {
    ApprovalPolicy p =
        PolicyFile.parse("p", YAML, Optional.of(Set.of("UENV")), Optional.of(Duration.ofMinutes(3)))
            .approvals();
    assertThat(p.defaults().approvers()).containsExactly("UENV");
    assertThat(p.defaults().expiry()).isEqualTo(Duration.ofMinutes(3));
    assertThat(p.ruleFor("restart_deployment", null).expiry()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aRunbookRuleCannotWeakenAClusterRule() {
    ApprovalPolicy strict =
        PolicyFile.parse(
                "p.yaml",
                """
                approvals:
                  approvers: [ULEAD]
                  clusters:
                    prod: {groups: [SSRE], allowSelfApproval: false, expiry: PT5M}
                  runbooks:
                    restart_deployment:
                      approvers: [UREQ, USRE1, UOUTSIDER]
                      allowSelfApproval: true
                      expiry: PT24H
                """,
                Optional.empty(),
                Optional.empty())
            .approvals()
            .withGroups(GROUPS);
    Approvals onProd =
        new Approvals(
            ApprovalStore.inMemory(() -> clock.millis() * 1_000_000L, Duration.ofDays(1)),
            strict,
            clock);
    ApprovalRequest r =
        onProd.open(
            new Proposal(
                "restart_deployment",
                "shop",
                Json.object("{\"cluster\":\"prod\"}"),
                "change",
                List.of(),
                "UREQ",
                "pc-1",
                "COPS",
                "1.1",
                null));

    assertThat(r.cluster()).isEqualTo("prod");
    assertThat(r.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
    assertThat(strict.approvalRefusal(r, "UREQ"))
        .contains("you asked for this change, so someone else has to approve it");
    assertThat(strict.approvalRefusal(r, "UOUTSIDER")).isPresent(); // the runbook's, not SRE
    assertThat(strict.approvalRefusal(r, "USRE2")).isPresent(); // SRE, not the runbook's
    assertThat(strict.approvalRefusal(r, "USRE1")).isEmpty(); // both
    // Off the cluster the runbook's rule stands alone, as written.
    ApprovalRule elsewhere = strict.ruleFor("restart_deployment", "shop", null);
    assertThat(elsewhere.allowSelfApproval()).isTrue();
    assertThat(elsewhere.expiry()).isEqualTo(Duration.ofHours(24));
    assertThat(elsewhere.alsoAdmittedBy()).isEmpty();
  }

  @Test
  void maskingSectionAddsPatternsAndAllowedKeys() {
    var masking =
        PolicyFile.parse(
                "p.yaml",
                "masking:\n  extraPatterns:\n    - kind: internal_token\n      pattern:"
                    + " 'itk_[a-z0-9]{32}'\n  allowKeys: [PUBLIC_TOKEN]\n",
                Optional.empty(),
                Optional.empty())
            .masking();

    assertThat(masking.extraPatterns())
        .containsExactly(Map.entry("internal_token", "itk_[a-z0-9]{32}"));
    assertThat(masking.allowKeys()).containsExactly("PUBLIC_TOKEN");
    assertThat(PolicyFile.parse("p.yaml", "", Optional.empty(), Optional.empty()).masking())
        .isEqualTo(MaskingPolicy.none());
  }

  @Test
  void gitopsWarnsByDefaultRefusesWhenToldAndNamesAnyOtherWord() {
    assertThat(PolicyFile.parse("p.yaml", "", Optional.empty(), Optional.empty()).refuseGitOps())
        .isFalse();
    assertThat(
            PolicyFile.parse("p.yaml", "gitops: warn\n", Optional.empty(), Optional.empty())
                .refuseGitOps())
        .isFalse();
    assertThat(
            PolicyFile.parse("p.yaml", "gitops: refuse\n", Optional.empty(), Optional.empty())
                .refuseGitOps())
        .isTrue();
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml", "ask: {}\ngitops: block\n", Optional.empty(), Optional.empty()))
        .hasMessage("p.yaml:2: gitops: expected warn or refuse, was 'block'");
  }

  @Test
  void limitsSetHourlyBudgetsPerPersonWithDefaults() {
    assertThat(PolicyFile.parse("p.yaml", "", Optional.empty(), Optional.empty()).limits())
        .isEqualTo(new UsageLimits(120, 1_000_000));
    assertThat(
            PolicyFile.parse(
                    "p.yaml", "limits:\n  asksPerHour: 5\n", Optional.empty(), Optional.empty())
                .limits())
        .isEqualTo(new UsageLimits(5, 1_000_000));
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml", "limits:\n  tokensPerHour: 0\n", Optional.empty(), Optional.empty()))
        .hasMessage("p.yaml:2: limits.tokensPerHour: must be at least 1");
  }

  @Test
  void aBrokenMaskingPatternStopsStartUpNamingItsLine() {
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml",
                    "approvals: {}\nmasking:\n  extraPatterns:\n    - kind: mine\n      pattern: '(x'\n",
                    Optional.empty(),
                    Optional.empty()))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith(
            "p.yaml:3: masking.extraPatterns: extraPatterns[0].pattern: does not compile: Unclosed"
                + " group");
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml",
                    "masking:\n  extraPatterns:\n    - kind: My Token\n      pattern: x\n",
                    Optional.empty(),
                    Optional.empty()))
        .hasMessageContaining("extraPatterns[0].kind: expected a lower-case word");
  }

  @Test
  void badFilesNameWhatIsWrong() {
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml", "approvals:\n  aprovers: [U1]\n", Optional.empty(), Optional.empty()))
        .isInstanceOf(PolicyException.class)
        .hasMessage(
            "p.yaml:2: approvals.aprovers: unknown field; known: allowSelfApproval, approvers,"
                + " clusters, expiry, groups, minApprovals, namespaces, runbooks");
    // Regression: a YAML syntax error printed a stack of parser text.
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml", "approvals:\n  approvers: [U1\n", Optional.empty(), Optional.empty()))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
        .hasMessageStartingWith("p.yaml:")
        .hasMessageContaining("YAML syntax error: while parsing a flow sequence");
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml", "approvals:\n  approvers: U1\n", Optional.empty(), Optional.empty()))
        .hasMessage("p.yaml:2: approvals.approvers: expected a list, such as [U0123ABCD]");
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml", "approvals:\n  expiry: 15m\n", Optional.empty(), Optional.empty()))
        .hasMessage("p.yaml: approvals.expiry: '15m' is not an ISO-8601 duration such as PT15M");
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "p.yaml",
                    "approvals:\n  namespaces:\n    prod: {minApprovals: 0}\n",
                    Optional.empty(),
                    Optional.empty()))
        .hasMessage("p.yaml: approvals.namespaces.prod.minApprovals: must be at least 1");
    assertThat(
            PolicyFile.parse("empty.yaml", "", Optional.empty(), Optional.empty())
                .approvals()
                .defaults()
                .minApprovals())
        .isEqualTo(1);
  }

  /** Regression: a misspelt runbook in approvals.runbooks silently fell back to the default. */
  @Test
  void aRunbookTheFileNamesButNobodyLoadedIsNamedWithItsLine() {
    PolicyFile.Policies policies =
        PolicyFile.parse(
            "p.yaml",
            "approvals:\n  approvers: [U1]\n  runbooks:\n    scale_deploymnet: {expiry: PT5M}\n",
            Optional.empty(),
            Optional.empty());

    assertThat(policies.unknownRunbook(Set.of("scale_deployment", "list_pods")))
        .contains(
            "p.yaml:4: approvals.runbooks.scale_deploymnet: no runbook of that name is loaded"
                + " (loaded: list_pods, scale_deployment)");
    assertThat(policies.unknownRunbook(Set.of("scale_deploymnet"))).isEmpty();
  }

  @Test
  void aNarrowerRuleNeverLowersTheApprovalsNeeded() {
    ApprovalPolicy p =
        new ApprovalPolicy(
            new ApprovalRule(Set.of("U1"), Set.of(), 2, false, Duration.ofMinutes(15)),
            Map.of(),
            Map.of("dev", new ApprovalRule.Override(null, null, 1, null, null)),
            GroupDirectory.none());
    assertThat(p.ruleFor("scale_deployment", "dev").minApprovals()).isEqualTo(2);
  }
}
