package dev.pitcrew.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import dev.pitcrew.bot.testing.FakeSlack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Profile emails over real HTTP from the fake Slack Web API, as Bolt's client reads them. */
class SlackUsersTest {
  private final FakeSlack slack;
  private final SlackUsers users;

  SlackUsersTest() throws Exception {
    slack = new FakeSlack();
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(slack.apiUrl());
    users =
        new SlackUsers(
            SlackCalls.of(Slack.getInstance(config).methods("xoxb-test")),
            Ticker.systemTicker(),
            () -> "T1");
  }

  @AfterEach
  void stop() {
    slack.close();
  }

  @Test
  void theEmailOnAProfileIsReadOnceAndKept() {
    assertThat(users.email("UALICE")).contains("alice@example.com");
    assertThat(users.email("UALICE")).contains("alice@example.com");

    assertThat(slack.calls("users.info")).hasSize(1);
  }

  @Test
  void aProfileWithoutEmailHasNone() {
    assertThat(users.email("UNOEMAIL1")).isEmpty();
  }

  @Test
  void onlyAConfirmedEmailOfAUserOfPitcrewsOwnWorkspaceIsUsed() {
    // A partner workspace's admin sets any address on their own users' profiles.
    assertThat(users.email("UFOREIGNBOB")).isEmpty();
    assertThat(users.email("UUNCONFIRMEDEVE")).isEmpty();
    assertThat(users.email("UCAROL")).contains("carol@example.com");
  }
}
