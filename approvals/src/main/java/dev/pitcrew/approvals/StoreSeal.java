package dev.pitcrew.approvals;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the durable store signs its requests with: an HMAC-SHA256 key only Pitcrew holds (the
 * chart's Secret). Anyone who may write ConfigMaps in Pitcrew's namespace can change a stored
 * request; without the key they cannot sign the change, so it is never shown or run.
 */
public final class StoreSeal {
  /** The shortest key taken: 32 bytes, as HMAC-SHA256 wants. */
  public static final int MIN_KEY_BYTES = 32;

  private final SecretKeySpec key;

  private StoreSeal(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /**
   * @throws IllegalArgumentException if the key is shorter than {@value #MIN_KEY_BYTES} bytes
   */
  public static StoreSeal of(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "must be at least " + MIN_KEY_BYTES + " bytes, was " + bytes.length);
    }
    return new StoreSeal(bytes);
  }

  /** The signature of {@code content}, in hex: what only a holder of the key can write. */
  public String sign(String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
    }
  }

  /** Whether {@code signature} is this key's for {@code content}, compared in constant time. */
  boolean verifies(String content, String signature) {
    return signature != null
        && MessageDigest.isEqual(
            sign(content).getBytes(StandardCharsets.US_ASCII),
            signature.getBytes(StandardCharsets.US_ASCII));
  }

  /** Reads a key from a setting's value; empty when none is set. */
  public static Optional<StoreSeal> fromSetting(Optional<String> value) {
    return value.filter(v -> !v.isBlank()).map(StoreSeal::of);
  }
}
