package dev.pitcrew.remediations;

import java.util.Map;

/**
 * The action and arguments that undo a change, recorded before it is made.
 *
 * @param action an action name such as {@code deployment.scale}
 */
public record Inverse(String action, Map<String, Object> arguments) {
  public Inverse {
    arguments = Map.copyOf(arguments);
  }
}
