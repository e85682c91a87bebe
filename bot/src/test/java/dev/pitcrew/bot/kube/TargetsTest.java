package dev.pitcrew.bot.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitcrew.approvals.AccessPolicy;
import dev.pitcrew.approvals.GroupDirectory;
import dev.pitcrew.approvals.KubernetesIdentity;
import dev.pitcrew.remediations.Remediations;
import dev.pitcrew.runbooks.Runbook;
import dev.pitcrew.runbooks.RunbookCatalog;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Binding without a cluster to call: building clients and actions makes no request. */
class TargetsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KubernetesClient client =
      new KubernetesClientBuilder()
          .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:9").build())
          .build();

  @AfterEach
  void close() {
    client.close();
  }

  private Targets targets(Map<String, KubernetesClient> named) {
    return new Targets(
        Clusters.named(client, named),
        new Identities(KubernetesIdentity.bot(), UserDirectory.none(), GroupDirectory.none()),
        AccessPolicy.open(),
        GroupDirectory.none(),
        Remediations.Options.defaults());
  }

  private Runbook status() {
    return RunbookCatalog.shipped(Remediations.all(client)).find("deployment_status").orElseThrow();
  }

  /** Regression guard: a request stored before clusters were named must not run on a guess. */
  @Test
  void aStoredCallNamingNoOrAnUnknownClusterIsRefusedOnceClustersAreNamed() throws Exception {
    Targets targets = targets(Map.of("prod", client));
    Targets.Caller caller = Targets.Caller.asking("U1", "pc-1");

    assertThat(
            targets.bind(
                status(), JSON.readTree("{\"namespace\":\"shop\",\"name\":\"c\"}"), caller))
        .isEqualTo(new Targets.Refused("the call names no cluster; configured: prod"));
    assertThat(
            targets.bind(
                status(),
                JSON.readTree("{\"cluster\":\"eu\",\"namespace\":\"shop\",\"name\":\"c\"}"),
                caller))
        .isEqualTo(new Targets.Refused("cluster eu is not configured; configured: prod"));
    assertThat(
            targets.bind(
                status(),
                JSON.readTree("{\"cluster\":\"prod\",\"namespace\":\"shop\",\"name\":\"c\"}"),
                caller))
        .isInstanceOf(Targets.Bound.class);
  }

  @Test
  void anExtrasNameIsPercentEncodedAsTheApiServerDecodesIt() {
    assertThat(Targets.headerKey("pitcrew.dev/approved-by")).isEqualTo("pitcrew.dev%2Fapproved-by");
    assertThat(List.of(Targets.headerKey("a%b"))).containsExactly("a%25b");
  }
}
