package dev.pitcrew.remediations;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;

/** The actions Pitcrew can take on a cluster. */
public final class Remediations {
  private Remediations() {}

  /**
   * How actions behave.
   *
   * @param serverSideDryRun whether previews ask the API server to dry-run the change, so admission
   *     webhooks and RBAC refuse it before anyone approves it. Off only against servers that ignore
   *     dry run (Fabric8's mock server applies a dry-run write for real).
   */
  public record Options(boolean serverSideDryRun, Clock clock) {
    public static Options defaults() {
      return new Options(true, Clock.systemUTC());
    }

    public Options withoutDryRun() {
      return new Options(false, clock);
    }

    public Options withClock(Clock other) {
      return new Options(serverSideDryRun, other);
    }
  }

  /** Every action, bound to one client, with default options. */
  public static List<Remediation> all(KubernetesClient client) {
    return all(client, Options.defaults());
  }

  public static List<Remediation> all(KubernetesClient client, Options options) {
    ChangeRecorder recorder = new ChangeRecorder(client, options.clock());
    boolean dryRun = options.serverSideDryRun();
    Clock clock = options.clock();
    return List.of(
        new DeploymentStatus(client, clock),
        new ListPods(client, clock),
        new PodLogs(client, clock),
        new RecentEvents(client, clock),
        new RolloutHistory(client, clock),
        new ListNodes(client, clock),
        new RollbackDeployment(client, recorder, dryRun),
        new ScaleDeployment(client, recorder, dryRun),
        new RestartDeployment(client, recorder, dryRun, clock),
        new DeletePod(client, recorder),
        new SetRolloutPaused(client, recorder, dryRun, true),
        new SetRolloutPaused(client, recorder, dryRun, false),
        new SetNodeUnschedulable(client, recorder, dryRun, true),
        new SetNodeUnschedulable(client, recorder, dryRun, false));
  }

  /** One action by name, for tests and tools that need just one. */
  public static Remediation named(String name, KubernetesClient client, Options options) {
    return all(client, options).stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no action named " + name));
  }
}
