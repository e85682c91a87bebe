package dev.pitcrew.bot.testing;

import java.util.HashMap;
import java.util.Map;

/** Settings for a Pitcrew under test: HTTP mode on a free port, talking to the fakes. */
public final class TestEnv {
  private TestEnv() {}

  /**
   * Slack through {@code slack}, verified with {@code signingSecret}; the model behind {@code llm}.
   */
  public static Map<String, String> slackAndModel(
      FakeSlack slack, ScriptedOpenAi llm, String signingSecret) {
    Map<String, String> env = new HashMap<>();
    env.put("SLACK_BOT_TOKEN", "xoxb-test-token");
    env.put("SLACK_SIGNING_SECRET", signingSecret);
    env.put("SLACK_API_URL", slack.apiUrl());
    env.put("OPENAI_API_KEY", "sk-test");
    env.put("OPENAI_BASE_URL", llm.baseUrl());
    env.put("PITCREW_MODEL", "test-model");
    env.put("PORT", "0");
    return env;
  }
}
