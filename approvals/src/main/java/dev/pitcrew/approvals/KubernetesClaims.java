package dev.pitcrew.approvals;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * One ConfigMap per claimed key, named by the key's hash, holding when the claim runs out and a
 * random token of the claimant. Creating it is the claim. Fabric8 re-sends a create whose answer
 * was lost; the 409 that re-send meets is recognised by the token as this claim's own.
 */
final class KubernetesClaims implements Claims {
  static final String COMPONENT_VALUE = "claim";
  static final String EXPIRES = "pitcrew.dev/claim-expires";
  static final String TOKEN = "pitcrew.dev/claim-token";
  static final String KEY = "pitcrew.dev/claim-key";
  static final String NOTE = "note";

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;

  KubernetesClaims(KubernetesClient client, String namespace, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
  }

  @Override
  public boolean claim(String key, Duration ttl) {
    String name = name(key);
    String token = UUID.randomUUID().toString();
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        client.configMaps().inNamespace(namespace).resource(claim(name, key, token, ttl)).create();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
      ConfigMap held = client.configMaps().inNamespace(namespace).withName(name).get();
      if (held == null) {
        continue; // purged between the create and the read: try once more
      }
      if (token.equals(annotation(held, TOKEN))) {
        return true; // a re-sent create of this very claim
      }
      if (!expired(held, clock.instant())) {
        return false;
      }
      // Run out: make way, locked to the version read, then try to create it again.
      StoredObjects.deleteAsRead(client, namespace, held);
    }
    return false;
  }

  @Override
  public void note(String key, String note) {
    String name = name(key);
    try {
      client
          .configMaps()
          .inNamespace(namespace)
          .withName(name)
          .edit(
              cm -> {
                if (cm.getData() == null) {
                  cm.setData(new java.util.HashMap<>());
                }
                cm.getData().put(NOTE, note);
                return cm;
              });
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  @Override
  public java.util.Optional<String> noteOf(String key) {
    ConfigMap held = client.configMaps().inNamespace(namespace).withName(name(key)).get();
    if (held == null || expired(held, clock.instant()) || held.getData() == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.ofNullable(held.getData().get(NOTE));
  }

  @Override
  public void release(String key) {
    client.configMaps().inNamespace(namespace).withName(name(key)).delete();
  }

  @Override
  public int purgeExpired() {
    Instant now = clock.instant();
    int purged = 0;
    for (ConfigMap cm :
        client
            .configMaps()
            .inNamespace(namespace)
            .withLabel(KubernetesApprovalStore.COMPONENT, COMPONENT_VALUE)
            .list()
            .getItems()) {
      if (!expired(cm, now)) {
        continue;
      }
      if (StoredObjects.deleteAsRead(client, namespace, cm)) {
        purged++;
      }
    }
    return purged;
  }

  /** A claim with no readable expiry never blocks a key for ever: it counts as run out. */
  private static boolean expired(ConfigMap cm, Instant now) {
    String expires = annotation(cm, EXPIRES);
    try {
      return expires == null || !Instant.parse(expires).isAfter(now);
    } catch (DateTimeParseException e) {
      return true;
    }
  }

  private ConfigMap claim(String name, String key, String token, Duration ttl) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels(KubernetesApprovalStore.MANAGED_BY, "pitcrew")
        .addToLabels(KubernetesApprovalStore.COMPONENT, COMPONENT_VALUE)
        .addToAnnotations(KEY, key.length() > 200 ? key.substring(0, 200) : key)
        .addToAnnotations(EXPIRES, clock.instant().plus(ttl).toString())
        .addToAnnotations(TOKEN, token)
        .endMetadata()
        .build();
  }

  private static String annotation(ConfigMap cm, String name) {
    return cm.getMetadata().getAnnotations() == null
        ? null
        : cm.getMetadata().getAnnotations().get(name);
  }

  /** A ConfigMap name for any key: its SHA-256, so names are valid and keys need no escaping. */
  static String name(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "pitcrew-claim-" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
