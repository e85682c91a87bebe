package dev.pitcrew.remediations;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The actions Pitcrew can take on a cluster. */
public final class Remediations {
  private Remediations() {}

  /**
   * How actions behave. Previews always ask the API server for a server-side dry run, so admission
   * webhooks and RBAC refuse a change before anyone approves it.
   */
  public record Options(Clock clock, Masking masking, GitOpsChanges gitOps) {
    /**
     * The system clock, the shipped masking rules, GitOps-managed objects changed with a warning.
     */
    public static Options defaults() {
      return new Options(Clock.systemUTC(), Masking.shipped(), GitOpsChanges.WARN);
    }

    public Options withClock(Clock other) {
      return new Options(other, masking, gitOps);
    }

    /** What every action masks in the text it returns. */
    public Options withMasking(Masking other) {
      return new Options(clock, other, gitOps);
    }

    /** What a change to an object Argo CD or Flux manages gets: a warning, or a refusal. */
    public Options withGitOps(GitOpsChanges other) {
      return new Options(clock, masking, other);
    }
  }

  /**
   * A change to an object a GitOps tool syncs from Git lasts until its next sync: {@code WARN} says
   * so on the card, {@code REFUSE} refuses it before any card (the fix belongs in Git).
   */
  public enum GitOpsChanges {
    WARN,
    REFUSE
  }

  private static final String STS = "StatefulSet";
  private static final String DS = "DaemonSet";

  /** Every action, bound to one client, with default options. */
  public static List<Remediation> all(KubernetesClient client) {
    return all(client, Options.defaults());
  }

  public static List<Remediation> all(KubernetesClient client, Options options) {
    ChangeRecorder recorder =
        new ChangeRecorder(client, options.clock(), options.masking(), options.gitOps());
    Clock clock = options.clock();
    return Stream.of(
            ByKind.of(
                new DeploymentStatus(client, clock),
                Map.of(
                    STS, new PodSetReads.Status(client, clock, PodSets.Kind.STATEFUL_SET),
                    DS, new PodSetReads.Status(client, clock, PodSets.Kind.DAEMON_SET))),
            new ListPods(client, clock),
            new PodLogs(client, clock),
            new RecentEvents(client, clock),
            ByKind.of(
                new RolloutHistory(client, clock),
                Map.of(
                    STS, new PodSetReads.History(client, clock, PodSets.Kind.STATEFUL_SET),
                    DS, new PodSetReads.History(client, clock, PodSets.Kind.DAEMON_SET))),
            new ListNodes(client, clock),
            new DescribeObject(client, clock, options.masking()),
            ByKind.of(
                new RollbackDeployment(client, recorder),
                Map.of(
                    STS,
                    new PodSetMutations.Rollback(client, recorder, PodSets.Kind.STATEFUL_SET),
                    DS,
                    new PodSetMutations.Rollback(client, recorder, PodSets.Kind.DAEMON_SET))),
            ByKind.of(
                new ScaleDeployment(client, recorder),
                Map.of(STS, new PodSetMutations.Scale(client, recorder))),
            new ScaleAutoscaler(client, recorder),
            new SetResources(client, recorder),
            ByKind.of(
                new RestartDeployment(client, recorder, clock),
                Map.of(
                    STS,
                    new PodSetMutations.Restart(client, recorder, PodSets.Kind.STATEFUL_SET, clock),
                    DS,
                    new PodSetMutations.Restart(client, recorder, PodSets.Kind.DAEMON_SET, clock))),
            new DeletePod(client, recorder),
            new SetRolloutPaused(client, recorder, true),
            new SetRolloutPaused(client, recorder, false),
            new SetNodeUnschedulable(client, recorder, true),
            new SetNodeUnschedulable(client, recorder, false),
            new DrainNode(client, recorder, clock))
        .<Remediation>map(action -> new MaskedRemediation(action, options.masking()))
        .toList();
  }

  /** One action by name, for tests and tools that need just one. */
  public static Remediation named(String name, KubernetesClient client, Options options) {
    return all(client, options).stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no action named " + name));
  }
}
