package dev.pitcrew.bot.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ExplicitCommandTest {
  private static final JsonNode SCHEMA;

  static {
    try {
      SCHEMA =
          new ObjectMapper()
              .readTree(
                  "{\"properties\":{\"namespace\":{\"type\":\"string\"},"
                      + "\"name\":{\"type\":\"string\"},\"replicas\":{\"type\":\"integer\"}}}");
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Test
  void keysAndTypedValuesAreParsed() {
    ExplicitCommand command =
        ExplicitCommand.parse(
            "run scale_deployment namespace=shop name=\"checkout\" replicas=5", SCHEMA);

    assertThat(command.runbook()).isEqualTo("scale_deployment");
    assertThat(command.arguments().toString())
        .isEqualTo("{\"namespace\":\"shop\",\"name\":\"checkout\",\"replicas\":5}");
  }

  /** Regression: "the last one wins" ran something other than half of what was typed. */
  @Test
  void aKeyGivenTwiceIsAnError() {
    assertThatThrownBy(
            () -> ExplicitCommand.parse("run scale_deployment name=checkout name=cart", SCHEMA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name is given twice; give it once");
  }

  @Test
  void aHugeNumberSaysItIsTooLarge() {
    assertThatThrownBy(
            () ->
                ExplicitCommand.parse(
                    "run scale_deployment replicas=99999999999999999999999", SCHEMA))
        .hasMessage("replicas is too large: 99999999999999999999999");
  }
}
