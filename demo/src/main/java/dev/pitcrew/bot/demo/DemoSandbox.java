package dev.pitcrew.bot.demo;

import dev.pitcrew.bot.Sandbox;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Optional;

/** {@code shell --demo}: a {@link DemoCluster} seeded with one of the incident library's states. */
public final class DemoSandbox implements Sandbox {
  private final DemoCluster cluster;
  private final Incident incident;
  private final boolean named;

  private DemoSandbox(DemoCluster cluster, Incident incident, boolean named) {
    this.cluster = cluster;
    this.incident = incident;
    this.named = named;
  }

  @Override
  public KubernetesClient client() {
    return cluster.client();
  }

  @Override
  public String description() {
    return "the embedded demo cluster (namespace "
        + DemoCluster.NAMESPACE
        + (named ? "; incident " + incident.name() + ": " + incident.summary() : "")
        + ")";
  }

  @Override
  public void close() {
    cluster.close();
  }

  /** Registered in META-INF/services for {@link Sandbox#provider()}. */
  public static final class Provider implements Sandbox.Provider {
    @Override
    public Sandbox start(Clock clock, Optional<String> incident) {
      Incident chosen = Incident.named(incident.orElse(Incident.DEFAULT));
      return new DemoSandbox(DemoCluster.start(clock, chosen), chosen, incident.isPresent());
    }
  }
}
