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

  /** The signature of the request's JSON, when the store has a key. */
  static final String SIGNATURE = "pitcrew.dev/signature";

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;
  private final Optional<StoreSeal> seal;
  private final java.util.function.Consumer<String> rejected;

  KubernetesApprovalStore(
      KubernetesClient client,
      String namespace,
      Clock clock,
      Optional<StoreSeal> seal,
      java.util.function.Consumer<String> rejected) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
    this.seal = seal;
    this.rejected = rejected;
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
    return cm == null ? Optional.empty() : read(cm);
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
        .flatMap(Optional::stream)
        .filter(r -> r.state() == state)
        .toList();
  }

  @Override
  public Optional<ApprovalRequest> compareAndSet(ApprovalRequest expected, ApprovalRequest next) {
    ConfigMap current = client.configMaps().inNamespace(namespace).withName(expected.id()).get();
    if (current == null
        || read(current).map(ApprovalRequest::version).orElse(-1L) != expected.version()) {
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
    String json = write(request);
    ConfigMapBuilder cm =
        new ConfigMapBuilder()
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
            .withData(Map.of(KEY, json));
    seal.ifPresent(s -> cm.editMetadata().addToAnnotations(SIGNATURE, s.sign(json)).endMetadata());
    return cm.build();
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

  /**
   * The request a ConfigMap holds, or empty (reported, never thrown: one bad object must not stop
   * the sweeps) when it holds none that can be read, or, with a key, none signed with it.
   */
  private Optional<ApprovalRequest> read(ConfigMap cm) {
    String where = "ConfigMap " + namespace + "/" + cm.getMetadata().getName();
    String json = cm.getData() == null ? null : cm.getData().get(KEY);
    if (json == null) {
      rejected.accept(where + " has no " + KEY + "; skipped");
      return Optional.empty();
    }
    String signature =
        cm.getMetadata().getAnnotations() == null
            ? null
            : cm.getMetadata().getAnnotations().get(SIGNATURE);
    if (seal.isPresent() && !seal.get().verifies(json, signature)) {
      rejected.accept(
          where
              + (signature == null ? " is not signed" : " has a signature that does not verify")
              + ": written by someone without Pitcrew's store key; never shown or run");
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(json, ApprovalRequest.class));
    } catch (JsonProcessingException e) {
      rejected.accept(
          where
              + " holds an unreadable approval request ("
              + e.getOriginalMessage()
              + "); skipped");
      return Optional.empty();
    }
  }
}
