package dev.pitcrew.approvals;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Pitcrew does with Alertmanager's alerts ({@code alerts:} in the policy file): where each
 * alert group's thread goes, which alerts are dropped, how many get investigated, and which
 * read-only runbooks gather evidence when there is no model.
 *
 * @param channel the default channel; {@code PITCREW_ALERT_CHANNEL} is used when this is empty
 * @param routes tried in order; the first whose labels all match decides
 * @param ignore label sets: an alert group whose common labels match one is dropped (counted)
 * @param concurrent investigations at once, across the replicas that share the store
 * @param perHour investigations in one clock hour, likewise; beyond either, the thread says so
 * @param evidence read-only runbooks run for an alert without a model (or over its limits)
 */
public record AlertPolicy(
    Optional<String> channel,
    List<Route> routes,
    List<Map<String, String>> ignore,
    int concurrent,
    int perHour,
    List<String> evidence) {

  public static final int DEFAULT_CONCURRENT = 2;
  public static final int DEFAULT_PER_HOUR = 30;
  public static final List<String> DEFAULT_EVIDENCE = List.of("deployment_status", "recent_events");

  /**
   * One route.
   *
   * @param match labels that must all be equal
   * @param channel where the thread goes, if not the default
   * @param evidence runbooks over the default evidence, if set
   */
  public record Route(
      Map<String, String> match, Optional<String> channel, Optional<List<String>> evidence) {
    public Route {
      match = Map.copyOf(match);
    }
  }

  public AlertPolicy {
    routes = List.copyOf(routes);
    ignore = ignore.stream().map(Map::copyOf).toList();
    evidence = List.copyOf(evidence);
  }

  public static AlertPolicy defaults() {
    return new AlertPolicy(
        Optional.empty(),
        List.of(),
        List.of(),
        DEFAULT_CONCURRENT,
        DEFAULT_PER_HOUR,
        DEFAULT_EVIDENCE);
  }

  /** Whether an alert group with these labels is to be dropped. */
  public boolean ignored(Map<String, String> labels) {
    return ignore.stream().anyMatch(m -> matches(m, labels));
  }

  /** The channel for these labels: the first matching route's, else the default, else empty. */
  public Optional<String> channelFor(Map<String, String> labels) {
    return routedChannel(labels).or(() -> channel);
  }

  /** The first matching route's channel, if it names one. */
  public Optional<String> routedChannel(Map<String, String> labels) {
    return route(labels).flatMap(Route::channel);
  }

  /** The evidence runbooks for these labels. */
  public List<String> evidenceFor(Map<String, String> labels) {
    return route(labels).flatMap(Route::evidence).orElse(evidence);
  }

  private Optional<Route> route(Map<String, String> labels) {
    return routes.stream().filter(r -> matches(r.match(), labels)).findFirst();
  }

  private static boolean matches(Map<String, String> match, Map<String, String> labels) {
    return match.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
