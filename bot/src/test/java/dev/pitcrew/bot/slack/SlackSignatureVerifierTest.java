package dev.pitcrew.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.app_backend.SlackSignature;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Signatures made by Bolt's own generator, as Slack makes them. */
class SlackSignatureVerifierTest {
  private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  private static final String BODY = "command=%2Fask&text=hello&user_id=U1";

  private final SlackSignatureVerifier verifier =
      new SlackSignatureVerifier(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));

  private static String at(long offsetSeconds) {
    return String.valueOf(NOW.getEpochSecond() + offsetSeconds);
  }

  private static String sign(String timestamp, String body, String secret) {
    return new SlackSignature.Generator(secret).generate(timestamp, body);
  }

  private java.util.Optional<String> check(String timestamp, String signature, String body) {
    return verifier.problem(timestamp, signature, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void acceptsASignatureMadeWithTheSecret() {
    assertThat(check(at(0), sign(at(0), BODY, SECRET), BODY)).isEmpty();
    assertThat(check(at(-299), sign(at(-299), BODY, SECRET), BODY)).isEmpty();
  }

  @Test
  void rejectsAnotherSecretOrAnotherBody() {
    assertThat(check(at(0), sign(at(0), BODY, "other"), BODY)).contains("signature does not match");
    assertThat(check(at(0), sign(at(0), BODY, SECRET), BODY + "&x=1"))
        .contains("signature does not match");
    assertThat(check(at(0), "v0=deadbeef", BODY)).contains("signature does not match");
  }

  @Test
  void rejectsReplaysOlderThanFiveMinutes() {
    assertThat(check(at(-301), sign(at(-301), BODY, SECRET), BODY))
        .contains("request timestamp is more than 5 minutes old");
  }

  @Test
  void rejectsTimestampsFromTheFuture() {
    assertThat(check(at(31), sign(at(31), BODY, SECRET), BODY))
        .contains("request timestamp is in the future");
    assertThat(check(at(3600), sign(at(3600), BODY, SECRET), BODY))
        .contains("request timestamp is in the future");
    // A few seconds of clock skew between Slack and us is tolerated.
    assertThat(check(at(5), sign(at(5), BODY, SECRET), BODY)).isEmpty();
  }

  @Test
  void rejectsMissingOrMalformedHeaders() {
    assertThat(check(null, "v0=abc", BODY)).isPresent();
    assertThat(check(at(0), null, BODY)).isPresent();
    assertThat(check("yesterday", sign("yesterday", BODY, SECRET), BODY))
        .contains("X-Slack-Request-Timestamp is not a number");
  }
}
