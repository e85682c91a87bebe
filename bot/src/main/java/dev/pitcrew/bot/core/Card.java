package dev.pitcrew.bot.core;

import dev.pitcrew.approvals.ApprovalState;
import java.time.Instant;
import java.util.List;

/**
 * An approval card, platform-neutral: what it says is decided once, in {@link Cards}; Slack and the
 * terminal only lay it out. Text is raw (renderers escape it); people, groups and times are typed
 * so each platform can show them its own way (a Slack mention, a plain name).
 *
 * @param state where the request stands, for a renderer's icon or color
 * @param title one short line: "Approval needed: scale_deployment", "Done: rollback_deployment"
 * @param summary the change in a sentence, as the preview states it
 * @param fields who asked, who may approve, until when
 * @param changes the exact changes, one per line
 * @param warnings what an approver must know before approving (scaling to zero takes it down)
 * @param arguments the arguments that will run, as JSON
 * @param status the outcome line once decided, empty while pending
 * @param actions the buttons to offer, each carrying only the approval ID
 */
public record Card(
    String approvalId,
    String correlationId,
    ApprovalState state,
    String title,
    String summary,
    List<Field> fields,
    List<String> changes,
    List<String> warnings,
    String arguments,
    List<Part> status,
    List<Action> actions) {

  public Card {
    fields = List.copyOf(fields);
    changes = List.copyOf(changes);
    warnings = List.copyOf(warnings);
    status = List.copyOf(status);
    actions = List.copyOf(actions);
  }

  /** This card with one more warning, last. */
  public Card withWarning(String warning) {
    List<String> more = new java.util.ArrayList<>(warnings);
    more.add(warning);
    return new Card(
        approvalId,
        correlationId,
        state,
        title,
        summary,
        fields,
        changes,
        more,
        arguments,
        status,
        actions);
  }

  /** A labelled value. */
  public record Field(String label, List<Part> value) {
    public Field {
      value = List.copyOf(value);
    }
  }

  /** A piece of text a platform shows its own way. */
  public sealed interface Part permits Text, User, Group, Time {}

  /** Raw text; the renderer escapes it. */
  public record Text(String text) implements Part {}

  /** A person, by platform user ID. */
  public record User(String id) implements Part {}

  /** A user group, by platform group ID. */
  public record Group(String id) implements Part {}

  /** A moment, shown in the reader's time zone where the platform can. */
  public record Time(Instant at) implements Part {}

  /** A button: approve, deny, or undo a change that ran. */
  public enum Action {
    APPROVE,
    DENY,
    UNDO
  }

  /** Plain text of parts, for platforms without mentions and for fallbacks. */
  public static String plain(List<Part> parts) {
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      if (part instanceof Text t) {
        out.append(t.text());
      } else if (part instanceof User u) {
        out.append(u.id());
      } else if (part instanceof Group g) {
        out.append("group ").append(g.id());
      } else if (part instanceof Time time) {
        out.append(time.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
      }
    }
    return out.toString();
  }
}
