package dev.pitcrew.approvals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Approval requests as ConfigMaps in the bot's namespace, one per request, named by its ID. The
 * request is JSON under {@value #KEY}; its state is also a label, so listing by state is a label
 * query. A transition replaces the ConfigMap at the resourceVersion it was read at: the API server
 * rejects the write if anyone wrote in between, which is the compare-and-set.
 */
final class KubernetesApprovalStore implements ApprovalStore {
  static final String KEY = "request.json";
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String COMPONENT = "app.kubernetes.io/component";
  static final String STATE = "pitcrew.dev/approval-state";

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /** When the request was last written, for retention. */
  static final String WRITTEN_AT = "pitcrew.dev/written-at";

  /**
   * A random ID for every write. After an error the stored object is read back to learn whether
   * this write landed; two writers with byte-identical values (the same user's double click in the
   * same millisecond) must not both conclude that it was theirs.
   */
  static final String WRITE_ID = "pitcrew.dev/write-id";

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;

  KubernetesApprovalStore(KubernetesClient client, String namespace, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
  }

  @Override
  public void create(ApprovalRequest request) {
    try {
      client
          .configMaps()
          .inNamespace(namespace)
          .resource(configMap(request.withVersion(1), null))
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw new IllegalStateException("approval request " + request.id() + " already exists", e);
      }
      throw e;
    }
  }

  @Override
  public Optional<ApprovalRequest> find(String id) {
    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(id).get();
    return cm == null ? Optional.empty() : Optional.of(read(cm));
  }

  @Override
  public List<ApprovalRequest> inState(ApprovalState state) {
    return client
        .configMaps()
        .inNamespace(namespace)
        .withLabel(COMPONENT, "approval-request")
        .withLabel(STATE, state.name())
        .list()
        .getItems()
        .stream()
        .map(this::read)
        .filter(r -> r.state() == state)
        .toList();
  }

  @Override
  public Optional<ApprovalRequest> compareAndSet(ApprovalRequest expected, ApprovalRequest next) {
    ConfigMap current = client.configMaps().inNamespace(namespace).withName(expected.id()).get();
    if (current == null || read(current).version() != expected.version()) {
      return Optional.empty();
    }
    ApprovalRequest written = next.withVersion(expected.version() + 1);
    ConfigMap replacement = configMap(written, current.getMetadata().getResourceVersion());
    try {
      client.configMaps().inNamespace(namespace).resource(replacement).update();
      return Optional.of(written);
    } catch (KubernetesClientException e) {
      // A 409 is a lost race. Any error may also follow a write that landed (a retried request
      // whose first try succeeded): the stored value decides.
      ConfigMap after = client.configMaps().inNamespace(namespace).withName(expected.id()).get();
      if (after != null && Objects.equals(writeId(after), writeId(replacement))) {
        return Optional.of(written);
      }
      if (e.getCode() == 409) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public List<String> purgeFinished(Duration olderThan) {
    Instant cutoff = clock.instant().minus(olderThan);
    List<String> purged = new java.util.ArrayList<>();
    for (ApprovalState state : ApprovalState.values()) {
      if (!state.isFinal()) {
        continue;
      }
      for (ConfigMap cm :
          client
              .configMaps()
              .inNamespace(namespace)
              .withLabel(COMPONENT, "approval-request")
              .withLabel(STATE, state.name())
              .list()
              .getItems()) {
        String written =
            cm.getMetadata().getAnnotations() == null
                ? null
                : cm.getMetadata().getAnnotations().get(WRITTEN_AT);
        if (written == null || !Instant.parse(written).isBefore(cutoff)) {
          continue;
        }
        // Locked to the version listed: a request written since then is not deleted.
        if (StoredObjects.deleteAsRead(client, namespace, cm)) {
          purged.add(cm.getMetadata().getName());
        }
      }
    }
    return purged;
  }

  private ConfigMap configMap(ApprovalRequest request, String resourceVersion) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(request.id())
        .withNamespace(namespace)
        .withResourceVersion(resourceVersion)
        .addToLabels(MANAGED_BY, "pitcrew")
        .addToLabels(COMPONENT, "approval-request")
        .addToLabels(STATE, request.state().name())
        .addToAnnotations("pitcrew.dev/correlation-id", request.correlationId())
        .addToAnnotations(WRITTEN_AT, clock.instant().toString())
        .addToAnnotations(WRITE_ID, java.util.UUID.randomUUID().toString())
        .endMetadata()
        .withData(Map.of(KEY, write(request)))
        .build();
  }

  private static String writeId(ConfigMap cm) {
    return cm.getMetadata().getAnnotations() == null
        ? null
        : cm.getMetadata().getAnnotations().get(WRITE_ID);
  }

  private static String write(ApprovalRequest request) {
    try {
      return JSON.writeValueAsString(request);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize approval request " + request.id(), e);
    }
  }

  private ApprovalRequest read(ConfigMap cm) {
    String json = cm.getData() == null ? null : cm.getData().get(KEY);
    if (json == null) {
      throw new IllegalStateException(
          "ConfigMap " + namespace + "/" + cm.getMetadata().getName() + " has no " + KEY);
    }
    try {
      return JSON.readValue(json, ApprovalRequest.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "ConfigMap "
              + namespace
              + "/"
              + cm.getMetadata().getName()
              + " holds an unreadable"
              + " approval request: "
              + e.getOriginalMessage(),
          e);
    }
  }
}
