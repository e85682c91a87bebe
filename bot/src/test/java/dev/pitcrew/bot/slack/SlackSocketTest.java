package dev.pitcrew.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.RepeatedTest;

class SlackSocketTest {

  @RepeatedTest(20)
  void reconnectBackoffDoublesFromHalfASecondToAMinuteWithJitter() {
    assertThat(SlackSocket.backoff(1).toMillis()).isBetween(500L, 600L);
    assertThat(SlackSocket.backoff(2).toMillis()).isBetween(1_000L, 1_200L);
    assertThat(SlackSocket.backoff(4).toMillis()).isBetween(4_000L, 4_800L);
    assertThat(SlackSocket.backoff(8).toMillis()).isBetween(60_000L, 72_000L);
    assertThat(SlackSocket.backoff(1_000).toMillis()).isBetween(60_000L, 72_000L);
  }
}
