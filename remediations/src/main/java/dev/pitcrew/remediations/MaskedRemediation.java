package dev.pitcrew.remediations;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An action whose every word from the cluster is masked before it leaves: outcomes, previews and
 * their changes. The inverse keeps its arguments as read, since undoing must write them back.
 */
final class MaskedRemediation implements Remediation {
  private final Remediation action;
  private final Masking masking;

  MaskedRemediation(Remediation action, Masking masking) {
    this.action = action;
    this.masking = masking;
  }

  @Override
  public String name() {
    return action.name();
  }

  @Override
  public Risk risk() {
    return action.risk();
  }

  @Override
  public String description() {
    return action.description();
  }

  @Override
  public List<Permission> permissions() {
    return action.permissions();
  }

  @Override
  public JsonNode parameterSchema() {
    return action.parameterSchema();
  }

  @Override
  public Remediation within(Namespaces namespaces) {
    Remediation kept = action.within(namespaces);
    return kept == action ? this : new MaskedRemediation(kept, masking);
  }

  @Override
  public Preview preview(JsonNode arguments) {
    Preview preview = action.preview(arguments);
    if (preview instanceof Plan p) {
      return new Plan(
          masking.mask(p.summary()),
          p.changes().stream()
              .map(c -> new Change(c.field(), value(c.from()), value(c.to())))
              .toList(),
          p.inverse());
    }
    if (preview instanceof Refused r) {
      return refused(r);
    }
    return new Failed(masking.mask(((Failed) preview).reason()));
  }

  @Override
  public Outcome execute(JsonNode arguments, ChangeContext context) {
    Outcome outcome = action.execute(arguments, context);
    if (outcome instanceof Observed o) {
      return new Observed(masking.mask(o.summary()), data(o.data()));
    } else if (outcome instanceof Applied a) {
      return new Applied(masking.mask(a.summary()), data(a.data()), a.inverse(), a.rollout());
    } else if (outcome instanceof Refused r) {
      return refused(r);
    } else if (outcome instanceof Failed f) {
      return new Failed(masking.mask(f.reason()));
    } else {
      OutcomeUnknown u = (OutcomeUnknown) outcome;
      return new OutcomeUnknown(masking.mask(u.reason()), masking.mask(u.state()));
    }
  }

  private Refused refused(Refused r) {
    return new Refused(masking.mask(r.reason()), r.overLimits());
  }

  private Map<String, Object> data(Map<String, Object> data) {
    Map<String, Object> masked = new LinkedHashMap<>();
    data.forEach((k, v) -> masked.put(k, value(v)));
    return masked;
  }

  private Object value(Object value) {
    return value instanceof String s ? masking.mask(s) : value;
  }
}
