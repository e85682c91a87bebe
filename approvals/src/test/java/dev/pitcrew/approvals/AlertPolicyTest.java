package dev.pitcrew.approvals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertPolicyTest {
  private static AlertPolicy parse(String yaml) {
    return PolicyFile.parse("policy.yaml", yaml, Optional.empty(), Optional.empty()).alerts();
  }

  @Test
  void routesIgnoreRulesLimitsAndEvidenceAreRead() {
    AlertPolicy alerts =
        parse(
            """
            alerts:
              channel: C0ALERTS
              routes:
                - match: {namespace: payments, severity: critical}
                  channel: C0PAYMENTS
                  evidence: [deployment_status]
                - match: {team: storage}
                  channel: C0STORAGE
              ignore:
                - {alertname: Watchdog}
              investigations: {concurrent: 1, perHour: 5}
            """);

    Map<String, String> payments =
        Map.of("alertname", "KubePodCrashLooping", "namespace", "payments", "severity", "critical");
    assertThat(alerts.channelFor(payments)).contains("C0PAYMENTS");
    assertThat(alerts.evidenceFor(payments)).containsExactly("deployment_status");
    Map<String, String> storage = Map.of("alertname", "DiskFull", "team", "storage");
    assertThat(alerts.channelFor(storage)).contains("C0STORAGE");
    assertThat(alerts.evidenceFor(storage)).isEqualTo(AlertPolicy.DEFAULT_EVIDENCE);
    // Only some of a route's labels: the default.
    assertThat(alerts.channelFor(Map.of("namespace", "payments"))).contains("C0ALERTS");
    assertThat(alerts.ignored(Map.of("alertname", "Watchdog", "severity", "none"))).isTrue();
    assertThat(alerts.ignored(payments)).isFalse();
    assertThat(alerts.concurrent()).isEqualTo(1);
    assertThat(alerts.perHour()).isEqualTo(5);
  }

  @Test
  void withoutTheSectionTheDefaultsHold() {
    AlertPolicy alerts = parse("ask:\n  channels: [C0OPS]\n");

    assertThat(alerts.channelFor(Map.of("alertname", "X"))).isEmpty();
    assertThat(alerts.concurrent()).isEqualTo(AlertPolicy.DEFAULT_CONCURRENT);
    assertThat(alerts.perHour()).isEqualTo(AlertPolicy.DEFAULT_PER_HOUR);
    assertThat(alerts.evidence()).isEqualTo(AlertPolicy.DEFAULT_EVIDENCE);
  }

  @Test
  void mistakesStopStartUpNamingTheLine() {
    assertThatThrownBy(() -> parse("alerts:\n  routes:\n    - channel: C0X\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("policy.yaml:2")
        .hasMessageContaining("route 1 needs match:");
    assertThatThrownBy(() -> parse("alerts:\n  ignore:\n    - {}\n"))
        .hasMessageContaining("an empty rule would drop every alert");
    assertThatThrownBy(() -> parse("alerts:\n  investigations: {concurrent: -1}\n"))
        .hasMessageContaining("must be 0 (none) or more");
    assertThatThrownBy(() -> parse("alerts:\n  chanel: C0X\n"))
        .hasMessageContaining("policy.yaml:2")
        .hasMessageContaining("chanel");
  }

  @Test
  void anEvidenceRunbookThatIsNotLoadedIsNamed() {
    PolicyFile.Policies policies =
        PolicyFile.parse(
            "policy.yaml",
            "alerts:\n  evidence: [deployment_status, recent_event]\n",
            Optional.empty(),
            Optional.empty());

    assertThat(policies.unknownRunbook(Set.of("deployment_status", "recent_events")))
        .hasValueSatisfying(
            problem ->
                assertThat(problem)
                    .contains("alerts.runbooks.recent_event")
                    .contains("no runbook of that name is loaded"));
    assertThat(policies.unknownRunbook(Set.of("deployment_status", "recent_event"))).isEmpty();
    assertThat(policies.alerts().evidence()).containsExactly("deployment_status", "recent_event");
  }
}
