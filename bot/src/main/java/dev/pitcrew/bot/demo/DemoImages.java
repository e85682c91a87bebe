package dev.pitcrew.bot.demo;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each image in the demo registry does when it runs: starts and serves, crashes at once with a
 * log that says why, or cannot be pulled at all. Shared by the controller (pod states, events) and
 * the API server's log endpoint.
 */
final class DemoImages {
  private final Map<String, String> crashLogs = new ConcurrentHashMap<>();
  private final Set<String> missing = ConcurrentHashMap.newKeySet();

  /** {@code image} crashes on start; its previous container's log is {@code log}. */
  DemoImages crashing(String image, String log) {
    crashLogs.put(image, log);
    return this;
  }

  /** {@code image} is not in the registry: pulls fail. */
  DemoImages missing(String image) {
    missing.add(image);
    return this;
  }

  boolean crashes(String image) {
    return crashLogs.containsKey(image);
  }

  String crashLog(String image) {
    return crashLogs.get(image);
  }

  boolean unpullable(String image) {
    return missing.contains(image);
  }
}
