package dev.pitcrew.bot.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitcrew.approvals.AccessPolicy;
import dev.pitcrew.approvals.GroupDirectory;
import dev.pitcrew.remediations.Remediation;
import dev.pitcrew.remediations.Remediations;
import dev.pitcrew.remediations.RolloutWatch;
import dev.pitcrew.runbooks.Runbook;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Binds a runbook call to the cluster it names and the identity it runs as, after checking that the
 * requester may use that runbook there. Every Kubernetes call made for a request goes through a
 * runbook bound here: reads, the preview's dry run, the approved write and its verification.
 */
public final class Targets {
  /** Impersonation extras; the API server's audit log records them with each call. */
  static final String APPROVED_BY = "pitcrew.dev/approved-by";

  static final String CORRELATION_ID = "pitcrew.dev/correlation-id";

  private final Clusters clusters;
  private final Identities identities;
  private final AccessPolicy access;
  private final GroupDirectory groups;
  private final Remediations.Options options;

  /** Each named cluster's actions as Pitcrew itself; built once, they hold no per-call state. */
  private final Map<String, Map<String, Remediation>> ownActions;

  public Targets(
      Clusters clusters,
      Identities identities,
      AccessPolicy access,
      GroupDirectory groups,
      Remediations.Options options) {
    this.clusters = clusters;
    this.identities = identities;
    this.access = access;
    this.groups = groups;
    this.options = options;
    Map<String, Map<String, Remediation>> own = new LinkedHashMap<>();
    for (String name : clusters.names()) {
      own.put(name, byName(Remediations.all(clusters.client(name), options)));
    }
    this.ownActions = Map.copyOf(own);
  }

  /**
   * Pitcrew's own rights on one unnamed cluster, everyone may use every runbook: the runbooks run
   * on the actions they were loaded with.
   */
  public static Targets asPitcrew(KubernetesClient home) {
    return new Targets(
        Clusters.single(home),
        new Identities(
            dev.pitcrew.approvals.KubernetesIdentity.bot(),
            UserDirectory.none(),
            GroupDirectory.none()),
        AccessPolicy.open(),
        GroupDirectory.none(),
        Remediations.Options.defaults());
  }

  /** Who makes a call and on whose word: a read has no approvers. */
  public record Caller(String requester, List<String> approvers, String correlationId) {
    public Caller {
      approvers = List.copyOf(approvers);
    }

    public static Caller asking(String requester, String correlationId) {
      return new Caller(requester, List.of(), correlationId);
    }
  }

  /** A runbook ready to run on its cluster as its identity, or why it may not run. */
  public sealed interface Binding {}

  /**
   * @param client the client the runbook's action uses, for watching what it started
   * @param cluster the cluster's name, or null when clusters are not named
   */
  public record Bound(Runbook runbook, KubernetesClient client, Identity identity, String cluster)
      implements Binding {}

  public record Refused(String reason) implements Binding {}

  public List<String> clusterNames() {
    return clusters.names();
  }

  /** Whether {@code runbook} is offered to {@code requester} at all (to the model, say). */
  public boolean offers(String requester, String runbook) {
    return access.offers(requester, runbook, groups);
  }

  /**
   * Binds {@code runbook} for a call with {@code arguments} (already checked, so a named cluster is
   * one of the configured ones).
   */
  public Binding bind(Runbook runbook, JsonNode arguments, Caller caller) {
    String cluster = Runbook.cluster(arguments).orElse(null);
    JsonNode ns = arguments.get("namespace");
    Optional<String> refusal =
        access.useRefusal(
            caller.requester(),
            runbook.name(),
            ns != null && ns.isTextual() ? ns.asText() : null,
            cluster,
            groups);
    if (refusal.isPresent()) {
      return new Refused(refusal.get());
    }
    Identities.Resolution resolution = identities.of(caller.requester());
    if (resolution instanceof Identities.Unmapped unmapped) {
      return new Refused(unmapped.reason());
    }
    Identity identity = ((Identities.Known) resolution).identity();
    // A request stored before the clusters were named (or renamed) must not guess where to run.
    if (!clusters.names().isEmpty() && (cluster == null || !clusters.names().contains(cluster))) {
      return new Refused(
          (cluster == null
                  ? "the call names no cluster"
                  : "cluster " + cluster + " is not configured")
              + "; configured: "
              + String.join(", ", clusters.names()));
    }
    KubernetesClient base = clusters.client(cluster);
    if (!identity.impersonated()) {
      Runbook bound =
          cluster == null ? runbook : runbook.on(ownActions.get(cluster).get(runbook.actionName()));
      return new Bound(bound, base, identity, cluster);
    }
    KubernetesClient client = impersonating(base, identity, caller);
    Remediation action = Remediations.named(runbook.actionName(), client, options);
    return new Bound(runbook.on(action), client, identity, cluster);
  }

  /** A rollout watch reading as a bound call does. */
  public RolloutWatch watch(RolloutWatch rollouts, Bound bound) {
    return bound.client() == clusters.home() ? rollouts : rollouts.on(bound.client());
  }

  /**
   * A client sending every request with {@code Impersonate-User}, {@code Impersonate-Group} and the
   * extras; it shares the base client's connections and must not be closed on its own.
   */
  static KubernetesClient impersonating(KubernetesClient base, Identity identity, Caller caller) {
    Map<String, List<String>> extras = new LinkedHashMap<>();
    extras.put(headerKey(CORRELATION_ID), List.of(caller.correlationId()));
    if (!caller.approvers().isEmpty()) {
      extras.put(headerKey(APPROVED_BY), caller.approvers());
    }
    RequestConfig config =
        new RequestConfigBuilder(base.getConfiguration().getRequestConfig())
            .withImpersonateUsername(identity.user())
            .withImpersonateGroups(identity.groups().toArray(String[]::new))
            .withImpersonateExtras(extras)
            .build();
    return base.newClient(config).adapt(KubernetesClient.class);
  }

  /**
   * An extra's name as a header name: the API server percent-decodes {@code
   * Impersonate-Extra-pitcrew.dev%2Fapproved-by}; a raw slash is not allowed in a header name.
   */
  static String headerKey(String extra) {
    return extra.replace("%", "%25").replace("/", "%2F");
  }

  private static Map<String, Remediation> byName(List<Remediation> actions) {
    return actions.stream()
        .collect(Collectors.toUnmodifiableMap(Remediation::name, Function.identity()));
  }
}
