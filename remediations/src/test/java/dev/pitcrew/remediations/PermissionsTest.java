package dev.pitcrew.remediations;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the Helm chart's RBAC is built from must itself be least privilege and complete. */
class PermissionsTest {
  private static final Set<String> READ_VERBS = Set.of("get", "list", "watch");
  private static final List<Remediation> ACTIONS =
      Remediations.all(
          new KubernetesClientBuilder()
              .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:9").build())
              .build());

  @Test
  void readActionsOnlyRead() {
    assertThat(ACTIONS)
        .filteredOn(a -> a.risk() == Risk.READ)
        .allSatisfy(
            a ->
                assertThat(a.permissions())
                    .as(a.name())
                    .isNotEmpty()
                    .allSatisfy(p -> assertThat(READ_VERBS).containsAll(p.verbs())));
  }

  @Test
  void everyMutationMayRecordItsEventAndNoMore() {
    assertThat(ACTIONS)
        .filteredOn(a -> a.risk() == Risk.MUTATE)
        .allSatisfy(
            a -> {
              assertThat(a.permissions())
                  .as(a.name())
                  .anySatisfy(
                      p -> {
                        assertThat(p.resource()).isEqualTo("events");
                        assertThat(p.verbs()).containsExactly("create");
                      });
              assertThat(a.permissions())
                  .allSatisfy(p -> assertThat(p.verbs()).doesNotContain("*", "update"));
            });
  }

  @Test
  void nodeActionsRecordEventsInDefaultAndOnlyReadWhatRunsOnTheNode() {
    assertThat(
            Remediations.named("node.uncordon", null, Remediations.Options.defaults())
                .permissions())
        .containsExactlyInAnyOrder(
            new Permission("", "nodes", Set.of("get", "patch"), Permission.Scope.CLUSTER),
            new Permission("", "events", Set.of("create"), Permission.Scope.DEFAULT_NAMESPACE));
    // A cordon's card counts the node's pods and the budgets holding them: reads, nothing more.
    assertThat(
            Remediations.named("node.cordon", null, Remediations.Options.defaults()).permissions())
        .containsExactlyInAnyOrder(
            new Permission("", "nodes", Set.of("get", "patch"), Permission.Scope.CLUSTER),
            new Permission("", "events", Set.of("create"), Permission.Scope.DEFAULT_NAMESPACE),
            // Listed across namespaces: granted there only with a cluster-wide role.
            new Permission("", "pods", Set.of("list"), Permission.Scope.TARGET_NAMESPACES),
            new Permission(
                "policy",
                "poddisruptionbudgets",
                Set.of("list"),
                Permission.Scope.TARGET_NAMESPACES));
  }
}
