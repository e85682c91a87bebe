package dev.pitcrew.remediations;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaves the trace of a change on the cluster: provenance annotations on the object and a
 * Kubernetes Event, so {@code kubectl describe} shows who asked, who approved and the correlation
 * ID.
 */
final class ChangeRecorder {
  static final String CORRELATION_ID = "pitcrew.dev/correlation-id";
  static final String REQUESTED_BY = "pitcrew.dev/requested-by";
  static final String APPROVED_BY = "pitcrew.dev/approved-by";
  static final String CHANGE_ID = "pitcrew.dev/change-id";
  static final String CLUSTER = "pitcrew.dev/cluster";

  private static final Logger log = LoggerFactory.getLogger(ChangeRecorder.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final Masking masking;
  private final Remediations.GitOpsChanges gitOps;

  /**
   * @param masking how a change reads outside Pitcrew: a plan is compared, at the moment of
   *     writing, with what the approved card showed, masked values included
   * @param gitOps whether a change to an object a GitOps tool syncs is only warned about
   */
  ChangeRecorder(
      KubernetesClient client, Clock clock, Masking masking, Remediations.GitOpsChanges gitOps) {
    this.client = client;
    this.clock = clock;
    this.masking = masking;
    this.gitOps = gitOps;
  }

  /** Whether a change to an object Argo CD or Flux manages is refused rather than warned about. */
  boolean refusesGitOps() {
    return gitOps == Remediations.GitOpsChanges.REFUSE;
  }

  /** {@code field: from -> to} as a card showed it: values masked as every outcome is. */
  String shown(Change change) {
    return new Change(change.field(), masked(change.from()), masked(change.to())).toString();
  }

  private Object masked(Object value) {
    return value instanceof String s ? masking.mask(s) : value;
  }

  /** The annotations to merge into the changed object in the same write as the change. */
  static Map<String, String> provenance(ChangeContext context) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(CORRELATION_ID, context.correlationId());
    annotations.put(REQUESTED_BY, context.requestedBy());
    if (context.approvedBy() != null) {
      annotations.put(APPROVED_BY, context.approvedBy());
    }
    if (context.changeId() != null) {
      annotations.put(CHANGE_ID, context.changeId());
    }
    if (context.cluster() != null) {
      annotations.put(CLUSTER, context.cluster());
    }
    return annotations;
  }

  /** Whether {@code object} carries this change's ID, i.e. the write that set it landed. */
  static boolean carries(HasMetadata object, ChangeContext context) {
    return object != null
        && context.changeId() != null
        && object.getMetadata().getAnnotations() != null
        && context.changeId().equals(object.getMetadata().getAnnotations().get(CHANGE_ID));
  }

  /**
   * Records a Normal event on {@code object}. The change has already happened, so a failure here is
   * logged, not reported as a failed change.
   */
  void event(HasMetadata object, String reason, String message, ChangeContext context) {
    // A cluster-scoped object (a Node) has no namespace; kubectl records its Events in default.
    String namespace =
        object.getMetadata().getNamespace() == null
            ? "default"
            : object.getMetadata().getNamespace();
    var now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    String timestamp = DateTimeFormatter.ISO_INSTANT.format(now);
    String full =
        message
            + " (requested by "
            + context.requestedBy()
            + (context.approvedBy() == null ? "" : ", approved by " + context.approvedBy())
            + ", correlation ID "
            + context.correlationId()
            + (context.cluster() == null ? "" : ", cluster " + context.cluster())
            + ")";
    var event =
        new EventBuilder()
            .withNewMetadata()
            // kubectl names events <object>.<hex nanos>; unique without relying on generateName.
            .withName(
                object.getMetadata().getName()
                    + "."
                    + Long.toHexString(clock.millis() * 1_000_000L))
            .withNamespace(namespace)
            .addToAnnotations(CORRELATION_ID, context.correlationId())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(object.getApiVersion())
                    .withKind(object.getKind())
                    .withName(object.getMetadata().getName())
                    .withNamespace(object.getMetadata().getNamespace())
                    .withUid(object.getMetadata().getUid())
                    .build())
            .withType("Normal")
            .withReason(reason)
            .withMessage(full)
            .withCount(1)
            .withFirstTimestamp(timestamp)
            .withLastTimestamp(timestamp)
            .withNewSource()
            .withComponent("pitcrew")
            .endSource()
            .withReportingComponent("pitcrew")
            .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      log.warn(
          "could not record event {} in {} on {} {}: HTTP {}",
          reason,
          namespace,
          object.getKind(),
          object.getMetadata().getName(),
          e.getCode());
    }
  }
}
