package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A change made with one patch: read, plan, (dry-run,) patch, read back on error, record. The patch
 * always carries the provenance annotations, so after an error the object itself tells whether the
 * write landed; Fabric8 may retry a write, so patches are written to be safe to apply twice.
 */
abstract class Mutation<T extends HasMetadata> extends Action {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A patch body and how to apply it. */
  record Patch(PatchType type, String body) {}

  /** The result of planning: an intent to write, or why not. */
  sealed interface Planned permits Intent, NotPlanned {}

  /** What people will see, and how to write it for a given change context. */
  record Intent(Plan plan, Function<ChangeContext, Patch> write) implements Planned {}

  /** A {@link Refused} or {@link Failed}. */
  record NotPlanned(Preview why) implements Planned {
    Outcome outcome() {
      return (Outcome) why; // Refused and Failed are both outcomes
    }
  }

  final KubernetesClient client;
  final ChangeRecorder recorder;

  Mutation(
      KubernetesClient client,
      ChangeRecorder recorder,
      String name,
      String description,
      JsonNode schema) {
    super(name, description, schema);
    this.client = client;
    this.recorder = recorder;
  }

  @Override
  public final Risk risk() {
    return Risk.MUTATE;
  }

  abstract Resource<T> resource(JsonNode arguments);

  /** The target in words: {@code deployment shop/checkout}. */
  abstract String describe(JsonNode arguments);

  /** The change against the object as it is now, or why there is none. */
  abstract Planned plan(T current, JsonNode arguments);

  /** What was done, in the past tense, for the thread, the card and the Event. */
  abstract String done(Plan plan);

  abstract String eventReason();

  /** The rollout this change starts, if any. */
  Optional<Rollout> rollout(JsonNode arguments) {
    return Optional.empty();
  }

  @Override
  public final Preview preview(JsonNode arguments) {
    Planned planned = planNow(arguments);
    if (planned instanceof NotPlanned not) {
      return not.why();
    }
    Intent intent = (Intent) planned;
    // The API server's own answer, before anyone approves: RBAC and admission webhooks refuse here.
    Patch patch = intent.write().apply(new ChangeContext("dry-run", "dry-run", null, null));
    try {
      resource(arguments).dryRun().patch(PatchContext.of(patch.type()), patch.body());
    } catch (KubernetesClientException e) {
      Failed failure = KubeFailures.describe(e, "change", describe(arguments));
      return new Refused("a server-side dry run says this would fail: " + failure.reason());
    }
    return intent.plan();
  }

  @Override
  public final Outcome execute(JsonNode arguments, ChangeContext context) {
    T current;
    try {
      current = resource(arguments).get();
    } catch (KubernetesClientException e) {
      return KubeFailures.describe(e, "read", describe(arguments));
    }
    if (current == null) {
      return new Refused(describe(arguments) + " was not found");
    }
    Planned planned =
        gitOpsRefusal(current, arguments)
            .<Planned>map(r -> r)
            .orElseGet(() -> plan(current, arguments));
    if (planned instanceof NotPlanned not) {
      return not.outcome();
    }
    Intent intent = (Intent) planned;
    Plan plan = intent.plan();
    if (context.approvedChanges() != null) {
      // The write is the approved write: planned again from this very read, it must show what
      // the card showed, or nothing is written.
      List<String> now = plan.changes().stream().map(recorder::shown).toList();
      if (!now.equals(context.approvedChanges())) {
        return new Refused(
            "the target changed since the change was approved: it was approved as "
                + context.approvedChanges()
                + ", now it would be "
                + now);
      }
    }
    // Written only over the version planned from: anything written since, the API server refuses.
    Patch patch = lockedTo(intent.write().apply(context), current);
    T after;
    try {
      after = resource(arguments).patch(PatchContext.of(patch.type()), patch.body());
    } catch (KubernetesClientException e) {
      boolean conflict = e.getCode() == 409 || e.getCode() == 422;
      if (!KubeFailures.ambiguous(e) && !conflict) {
        return KubeFailures.describe(e, "change", describe(arguments));
      }
      if (conflict && !landed(arguments, context)) {
        // A client re-send of a write that landed also meets the lock: only the object can say.
        return new Failed(
            describe(arguments)
                + " changed between Pitcrew reading it and writing; nothing was written. Ask"
                + " again for a fresh proposal");
      }
      // The answer was lost, not the write: the object decides, and if it does not show the
      // change yet, it may still land. Say so, with what the object looks like now.
      T now;
      try {
        now = resource(arguments).get();
      } catch (KubernetesClientException readFailed) {
        return new OutcomeUnknown(
            KubeFailures.describe(e, "change", describe(arguments)).reason(),
            "could not read "
                + describe(arguments)
                + " back: "
                + KubeFailures.describe(readFailed, "read", describe(arguments)).reason());
      }
      if (!ChangeRecorder.carries(now, context)) {
        return new OutcomeUnknown(
            KubeFailures.describe(e, "change", describe(arguments)).reason(),
            now == null ? describe(arguments) + " is gone" : state(now));
      }
      after = now;
    }
    String summary = done(plan);
    recorder.event(after, eventReason(), summary, context);
    return new Applied(
        summary, Map.of("changes", plan.changes().toString()), plan.inverse(), rollout(arguments));
  }

  /** Whether the object carries this change's provenance: a write of this change landed. */
  private boolean landed(JsonNode arguments, ChangeContext context) {
    try {
      return ChangeRecorder.carries(resource(arguments).get(), context);
    } catch (KubernetesClientException e) {
      return false;
    }
  }

  /**
   * {@code patch}, applied only to the version of {@code read}: a merge patch carries its {@code
   * resourceVersion}, a JSON patch tests it first (unless it already does).
   */
  static Patch lockedTo(Patch patch, HasMetadata read) {
    String version = read.getMetadata().getResourceVersion();
    if (version == null) {
      return patch;
    }
    try {
      JsonNode body = JSON.readTree(patch.body());
      if (patch.type() == PatchType.JSON_MERGE && body instanceof ObjectNode merge) {
        ObjectNode metadata =
            merge.has("metadata")
                ? (ObjectNode) merge.get("metadata")
                : merge.putObject("metadata");
        metadata.put("resourceVersion", version);
        return new Patch(patch.type(), merge.toString());
      }
      if (patch.type() == PatchType.JSON && body instanceof ArrayNode ops) {
        for (JsonNode op : ops) {
          if (op.path("path").asText().equals("/metadata/resourceVersion")) {
            return patch;
          }
        }
        ArrayNode locked = JSON.createArrayNode();
        locked
            .addObject()
            .put("op", "test")
            .put("path", "/metadata/resourceVersion")
            .put("value", version);
        locked.addAll(ops);
        return new Patch(patch.type(), locked.toString());
      }
      return patch;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a patch Pitcrew built is not JSON: " + patch.body(), e);
    }
  }

  /** Reads the object and plans the change against it as it is now. */
  private Planned planNow(JsonNode arguments) {
    T current;
    try {
      current = resource(arguments).get();
    } catch (KubernetesClientException e) {
      return new NotPlanned(KubeFailures.describe(e, "read", describe(arguments)));
    }
    if (current == null) {
      return refuse(describe(arguments) + " was not found");
    }
    Planned planned = plan(current, arguments);
    if (!(planned instanceof Intent)) {
      return planned;
    }
    List<String> warnings = new java.util.ArrayList<>();
    Optional<NotPlanned> refused = gitOpsRefusal(current, arguments);
    if (refused.isPresent()) {
      return refused.get();
    }
    GitOps.warning(current).ifPresent(warnings::add);
    warnings.addAll(warnings(current, arguments));
    if (warnings.isEmpty()) {
      return planned;
    }
    // Part of the preview: on the card, in the model's tool result and in the audit line.
    Intent intent = (Intent) planned;
    Plan plan = intent.plan();
    return new Intent(
        new Plan(
            plan.summary() + ". Warning: " + String.join(". Warning: ", warnings),
            plan.changes(),
            plan.inverse()),
        intent.write());
  }

  /** The refusal of a change Argo CD or Flux would revert, when the policy says refuse. */
  private Optional<NotPlanned> gitOpsRefusal(T current, JsonNode arguments) {
    if (!recorder.refusesGitOps() || GitOps.warning(current).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        refuse(
            describe(arguments)
                + ": "
                + GitOps.refusal(current)
                + "; the policy (gitops: refuse) keeps Pitcrew from changing it: change it in"
                + " Git"));
  }

  /**
   * What else manages the object (beyond GitOps, which every mutation checks), in words a card
   * shows with the change; none by default.
   */
  List<String> warnings(T current, JsonNode arguments) {
    return List.of();
  }

  /** What the object looks like, in a line, for an outcome nobody can confirm. */
  abstract String state(T object);

  /**
   * A JSON merge patch that sets the provenance annotations and whatever {@code change} adds. Merge
   * patches of absolute values are safe to apply twice, which a client retry may do.
   */
  static Function<ChangeContext, Patch> mergePatch(java.util.function.Consumer<ObjectNode> change) {
    return context -> {
      ObjectNode root = JSON.createObjectNode();
      ObjectNode annotations = root.putObject("metadata").putObject("annotations");
      ChangeRecorder.provenance(context).forEach(annotations::put);
      change.accept(root);
      return new Patch(PatchType.JSON_MERGE, root.toString());
    };
  }

  static NotPlanned refuse(String reason) {
    return new NotPlanned(new Refused(reason));
  }
}
