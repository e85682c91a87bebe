package dev.pitcrew.bot;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * An embedded cluster to try Pitcrew on ({@code shell --demo}). The demo module provides it; the
 * production image leaves that module (and the mock API server it needs) out, and there the shell
 * says so instead.
 */
public interface Sandbox extends AutoCloseable {
  KubernetesClient client();

  /** How the shell's greeting names it: "the embedded demo cluster (namespace shop)". */
  String description();

  @Override
  void close();

  /** Starts sandboxes; registered as a {@link ServiceLoader} service. */
  interface Provider {
    /**
     * @param incident one of the incident library's names, or the default cluster
     * @throws IllegalArgumentException for an unknown incident, naming the ones there are
     */
    Sandbox start(Clock clock, Optional<String> incident);
  }

  /** The provider on the class path, if the demo module is there. */
  static Optional<Provider> provider() {
    return ServiceLoader.load(Provider.class).findFirst();
  }
}
