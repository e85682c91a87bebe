package dev.pitcrew.bot.slack;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies Slack's request signature (v0, HMAC-SHA256 over {@code v0:timestamp:body}). Rejects
 * timestamps more than five minutes old and any from the future beyond a small clock skew, so a
 * captured request cannot be replayed; compares in constant time.
 */
public final class SlackSignatureVerifier {
  static final Duration MAX_AGE = Duration.ofMinutes(5);
  static final Duration MAX_FUTURE_SKEW = Duration.ofSeconds(30);

  private final SecretKeySpec key;
  private final Clock clock;

  public SlackSignatureVerifier(String signingSecret, Clock clock) {
    this.key = new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.clock = clock;
  }

  /** Why the request is not from Slack, or empty if it is. */
  public Optional<String> problem(String timestamp, String signature, byte[] body) {
    if (timestamp == null || signature == null) {
      return Optional.of("missing X-Slack-Request-Timestamp or X-Slack-Signature");
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.strip());
    } catch (NumberFormatException e) {
      return Optional.of("X-Slack-Request-Timestamp is not a number");
    }
    long now = clock.instant().getEpochSecond();
    if (now - seconds > MAX_AGE.toSeconds()) {
      return Optional.of("request timestamp is more than 5 minutes old");
    }
    if (seconds - now > MAX_FUTURE_SKEW.toSeconds()) {
      return Optional.of("request timestamp is in the future");
    }
    byte[] expected =
        ("v0=" + HexFormat.of().formatHex(hmac(timestamp.strip(), body)))
            .getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, signature.strip().getBytes(StandardCharsets.US_ASCII))) {
      return Optional.of("signature does not match");
    }
    return Optional.empty();
  }

  private byte[] hmac(String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }
}
