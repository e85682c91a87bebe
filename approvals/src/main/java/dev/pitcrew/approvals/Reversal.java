package dev.pitcrew.approvals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * What undoes an executed change: an action and its arguments, recorded before the change ran.
 *
 * @param action an action name such as {@code deployment.scale}
 */
public record Reversal(String action, ObjectNode arguments) {
  public Reversal {
    Objects.requireNonNull(action, "action");
    arguments = arguments.deepCopy();
  }

  @Override
  public ObjectNode arguments() {
    return arguments.deepCopy();
  }
}
