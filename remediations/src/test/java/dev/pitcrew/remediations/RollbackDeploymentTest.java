package dev.pitcrew.remediations;

import static dev.pitcrew.remediations.MutationsTest.CHECKOUT;
import static dev.pitcrew.remediations.MutationsTest.CONTEXT;
import static dev.pitcrew.remediations.MutationsTest.args;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * kubectl rollout undo semantics on the CRUD mock, seeded with the ReplicaSets a controller makes.
 */
@EnableDryRunMockClient
class RollbackDeploymentTest {
  static KubernetesClient client;

  private final Cluster cluster = new Cluster(client);
  private Remediation rollback;

  @BeforeEach
  void seed() {
    cluster.reset("shop");
    cluster.checkoutAfterBadRollout("shop");
    rollback = Remediations.named("deployment.rollback", client, MutationsTest.OPTIONS);
  }

  private Deployment checkout() {
    return client.apps().deployments().inNamespace("shop").withName("checkout").get();
  }

  @Test
  void rollbackToThePreviousRevision() {
    Preview preview = rollback.preview(CHECKOUT);

    assertThat(preview.summary())
        .isEqualTo(
            "Roll back deployment shop/checkout from revision 3 to revision 2"
                + " (checkout=registry.example/checkout:v2)");
    assertThat(((Plan) preview).changes())
        .containsExactly(
            new Change("revision", 3L, 2L),
            new Change(
                "image of container checkout",
                "registry.example/checkout:v3",
                "registry.example/checkout:v2"),
            new Change(
                "pod template",
                TemplateDifferences.digest(
                    ReplicaSets.withoutHash(checkout().getSpec().getTemplate())),
                TemplateDifferences.digest(
                    ReplicaSets.withoutHash(
                        client
                            .apps()
                            .replicaSets()
                            .inNamespace("shop")
                            .withName("checkout-hash2")
                            .get()
                            .getSpec()
                            .getTemplate()))));
    assertThat(((Plan) preview).inverse().orElseThrow().arguments()).containsEntry("revision", 3L);
    assertThat(checkout().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .endsWith(":v3");

    Outcome outcome = rollback.execute(CHECKOUT, CONTEXT);

    assertThat(outcome.summary())
        .startsWith("Rolled back deployment shop/checkout from revision 3 to revision 2");
    Deployment after = checkout();
    assertThat(after.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example/checkout:v2");
    assertThat(after.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("app", "checkout")
        .doesNotContainKey("pod-template-hash");
    assertThat(after.getMetadata().getAnnotations())
        .containsEntry("pitcrew.dev/correlation-id", "pc-0123456789ab")
        .containsEntry("pitcrew.dev/change-id", "apr-1");
    assertThat(((Applied) outcome).rollout()).contains(new Rollout("shop", "checkout"));
  }

  @Test
  void aCardShowsWhatElseTheTargetRevisionChangesAndItsDigestFollowsTheTemplate() {
    Plan before = (Plan) rollback.preview(CHECKOUT);
    client
        .apps()
        .replicaSets()
        .inNamespace("shop")
        .withName("checkout-hash2")
        .edit(
            rs -> {
              var spec = rs.getSpec().getTemplate().getSpec();
              spec.getContainers().get(0).setCommand(List.of("sh", "-c", "fetch-and-run"));
              spec.getContainers()
                  .get(0)
                  .setEnv(
                      List.of(new io.fabric8.kubernetes.api.model.EnvVar("TOKEN", "t0p", null)));
              spec.setServiceAccountName("admin");
              spec.setHostPID(true);
              return rs;
            });

    Plan after = (Plan) rollback.preview(CHECKOUT);

    assertThat(after.changes())
        .contains(
            new Change("service account", "(none)", "admin"),
            new Change("hostPID", "(none)", "true"),
            new Change("command of container checkout", "(none)", "[sh, -c, fetch-and-run]"),
            new Change("env names of container checkout", "(none)", "[TOKEN]"));
    assertThat(after.changes().toString()).doesNotContain("t0p");
    Change digestBefore = before.changes().get(before.changes().size() - 1);
    Change digestAfter = after.changes().get(after.changes().size() - 1);
    assertThat(digestAfter.field()).isEqualTo("pod template");
    assertThat(digestAfter.to()).isNotEqualTo(digestBefore.to());
  }

  @Test
  void rollbackToANamedRevision() {
    Outcome outcome =
        rollback.execute(
            args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"revision\":1}"), CONTEXT);

    assertThat(outcome.summary()).contains("from revision 3 to revision 1");
    assertThat(checkout().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example/checkout:v1");
  }

  @Test
  void aRevisionThatDoesNotExistIsRefused() {
    assertThat(
            rollback.preview(args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"revision\":7}")))
        .isEqualTo(
            new Refused("deployment shop/checkout has no revision 7 (revisions kept: 1, 2, 3)"));
  }

  @Test
  void aHistoryTooShortIsRefused() {
    client.apps().replicaSets().inNamespace("shop").withName("checkout-hash1").delete();
    client.apps().replicaSets().inNamespace("shop").withName("checkout-hash2").delete();

    assertThat(rollback.preview(CHECKOUT))
        .isEqualTo(
            new Refused(
                "deployment shop/checkout has no earlier revision to roll back to (revisions kept:"
                    + " 3; current: 3)"));
    assertThat(rollback.execute(CHECKOUT, CONTEXT)).isInstanceOf(Refused.class);
  }

  @Test
  void rollingBackToTheTemplateAlreadyRunningIsRefused() {
    assertThat(
            rollback.preview(args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"revision\":3}")))
        .isEqualTo(
            new Refused(
                "deployment shop/checkout already runs the template of revision 3; nothing to roll"
                    + " back; revisions whose pods differ: 1"
                    + " (checkout=registry.example/checkout:v1), 2"
                    + " (checkout=registry.example/checkout:v2)"));
  }

  /** Regression: a rollback to a revision running the same images and env was proposed. */
  @Test
  void rollingBackToARevisionThatRunsTheSamePodsIsRefusedNamingTheOnesThatDiffer() {
    // A restart made revision 4: the same pod spec as 3, only the restartedAt annotation is new.
    Deployment restarted =
        new DeploymentBuilder(checkout())
            .editMetadata()
            .addToAnnotations(ReplicaSets.REVISION, "4")
            .endMetadata()
            .editSpec()
            .editTemplate()
            .editMetadata()
            .addToAnnotations("kubectl.kubernetes.io/restartedAt", "2026-11-21T09:50:00Z")
            .endMetadata()
            .endTemplate()
            .endSpec()
            .build();
    client.resource(restarted).update();
    cluster.replicaSet(checkout(), 4, "registry.example/checkout:v3", 3);

    assertThat(rollback.preview(CHECKOUT))
        .isEqualTo(
            new Refused(
                "revision 3 of deployment shop/checkout runs the same pods as the current revision"
                    + " 4 (checkout=registry.example/checkout:v3; only the template's labels or"
                    + " annotations differ), so rolling back would not change what runs;"
                    + " revisions whose pods differ: 1 (checkout=registry.example/checkout:v1), 2"
                    + " (checkout=registry.example/checkout:v2)"));
    assertThat(
            rollback.preview(args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"revision\":2}")))
        .isInstanceOf(Plan.class);
  }

  @Test
  void replicaSetsOfAnotherDeploymentWithTheSameLabelsAreIgnored() {
    // Label matching (Fabric8's rolling().undo()) would pick this up; owner UIDs do not.
    Deployment canary =
        client
            .resource(
                new DeploymentBuilder(Deployments.ready("shop", "checkout-canary", 1))
                    .editMetadata()
                    .withUid(null)
                    .endMetadata()
                    .build())
            .create();
    cluster.replicaSet(canary, 9, "registry.example/checkout:canary", 1);

    assertThat(
            rollback.preview(args("{\"namespace\":\"shop\",\"name\":\"checkout\",\"revision\":9}")))
        .isEqualTo(
            new Refused("deployment shop/checkout has no revision 9 (revisions kept: 1, 2, 3)"));
    assertThat(rollback.preview(CHECKOUT).summary()).contains("to revision 2");
  }
}
