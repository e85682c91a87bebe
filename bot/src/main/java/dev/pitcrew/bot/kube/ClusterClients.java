package dev.pitcrew.bot.kube;

import dev.pitcrew.bot.config.ClusterSpec;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a Fabric8 client per named cluster. */
public final class ClusterClients {
  /** A named cluster that does not answer fails its calls within seconds, not minutes. */
  static final int CONNECT_TIMEOUT_MS = 3_000;

  static final int RETRIES = 1;

  private ClusterClients() {}

  /**
   * One client per spec, in order. Building makes no request: a cluster that is down shows when its
   * first call fails.
   */
  public static Map<String, KubernetesClient> build(List<ClusterSpec> specs) {
    Map<String, KubernetesClient> clients = new LinkedHashMap<>();
    for (ClusterSpec spec : specs) {
      clients.put(spec.name(), new KubernetesClientBuilder().withConfig(config(spec)).build());
    }
    return clients;
  }

  static Config config(ClusterSpec spec) {
    Config config =
        switch (spec.kind()) {
          case CONTEXT -> Config.autoConfigure(spec.value());
          case KUBECONFIG -> Config.fromKubeconfig(null, new File(spec.value()));
          case IN_CLUSTER -> Config.autoConfigure(null);
        };
    return fastFailing(config);
  }

  /**
   * Fabric8 retries a failed connection ten times with back-off by default: fine for the one
   * cluster Pitcrew lives in, too slow for one of several where a down cluster must not hold up a
   * conversation.
   */
  public static Config fastFailing(Config config) {
    config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
    config.setRequestRetryBackoffLimit(RETRIES);
    return config;
  }
}
