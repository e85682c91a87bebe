package dev.pitcrew.remediations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The shipped masking rules on real-looking credentials, and on what must stay. */
class MaskingTest {
  private final Masking masking = Masking.shipped();

  /** Each credential format the rules know, as it appears in logs, specs and headers. */
  static Stream<Arguments> secrets() {
    String jwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
            + "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    return Stream.of(
        Arguments.of("password=hunter2 user=bob", "password=[masked: password] user=bob"),
        Arguments.of("DB_PASSWORD=s3cr3t!x", "DB_PASSWORD=[masked: password]"),
        Arguments.of("export PGPASSWORD=abc123", "export PGPASSWORD=[masked: password]"),
        Arguments.of("MYSQL_PWD=abc123", "MYSQL_PWD=[masked: password]"),
        Arguments.of(
            "{\"client_secret\": \"abc123def\", \"id\": 7}",
            "{\"client_secret\": \"[masked: secret]\", \"id\": 7}"),
        Arguments.of(
            "config:\n  db_password: correct horse battery staple\n  pool: 5",
            "config:\n  db_password: [masked: password]\n  pool: 5"),
        Arguments.of(
            "loaded settings apiKey: 9f8e7d6c5b4a mode=live",
            "loaded settings apiKey: [masked: api_key] mode=live"),
        Arguments.of("x-api-key=0123456789abcdef", "x-api-key=[masked: api_key]"),
        Arguments.of(
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "AWS_SECRET_ACCESS_KEY=[masked: access_key]"),
        Arguments.of("'privateKey': 'MIIEvQIBADANBg'", "'privateKey': '[masked: private_key]'"),
        Arguments.of("GOOGLE_CREDENTIALS=c2VjcmV0", "GOOGLE_CREDENTIALS=[masked: credentials]"),
        Arguments.of("REDIS_AUTH=tok3n-value", "REDIS_AUTH=[masked: auth]"),
        Arguments.of("session token: 8c1e5a", "session token: [masked: token]"),
        Arguments.of(
            "connecting to postgres://app:S3cretPass@db.shop.svc:5432/orders",
            "connecting to postgres://app:[masked: password]@db.shop.svc:5432/orders"),
        Arguments.of(
            "amqp://guest:guest@rabbit:5672/", "amqp://guest:[masked: password]@rabbit:5672/"),
        Arguments.of(
            "Authorization: Bearer abcdef0123456789abcdef",
            "Authorization: Bearer [masked: authorization]"),
        Arguments.of(
            "GET /api headers={authorization=Basic dXNlcjpwYXNzd29yZA==}",
            "GET /api headers={authorization=Basic [masked: authorization]}"),
        Arguments.of(
            "curl -H 'X-Upstream: Bearer 0a1b2c3d4e5f6a7b8c9d'",
            "curl -H 'X-Upstream: Bearer [masked: bearer_token]'"),
        Arguments.of("session " + jwt + " expired", "session [masked: jwt] expired"),
        Arguments.of(
            "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8Pb\n"
                + "-----END RSA PRIVATE KEY-----\ndone",
            "key:\n[masked: private_key]\ndone"),
        Arguments.of(
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC [truncated]",
            "[masked: private_key]"),
        Arguments.of("aws key AKIAIOSFODNN7EXAMPLE used", "aws key [masked: aws_access_key] used"),
        Arguments.of(
            "token ghp_" + "a".repeat(36) + " rejected", "token [masked: github_token] rejected"),
        Arguments.of(
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "[masked: github_token]"),
        Arguments.of(
            "slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
            "slack [masked: slack_token]"),
        Arguments.of(
            "hook https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "hook https://hooks.slack.com/services/[masked: slack_webhook]"),
        Arguments.of(
            "openai sk-proj-abcdefghijklmnopqrstuvwxyz0123456789 denied",
            "openai [masked: openai_api_key] denied"),
        Arguments.of(
            "maps AIzaSyA-abcdefghijklmnopqrstuvwxyz01234 quota",
            "maps [masked: google_api_key] quota"),
        Arguments.of(
            "charge with sk_live_4eC39HqLyjWDarjtT1zdp7dc", "charge with [masked: stripe_key]"));
  }

  @ParameterizedTest
  @MethodSource("secrets")
  void credentialsAreMaskedByKind(String text, String masked) {
    assertThat(masking.mask(text)).isEqualTo(masked);
  }

  /** Near-misses: values a model or a reader needs, that only look like credentials. */
  static Stream<String> nearMisses() {
    return Stream.of(
        "token_count=5",
        "max_tokens=100 tokenizer=cl100k",
        "commit 3f786850e387550fdab836ed7e6dc881de23001b deployed",
        "request 123e4567-e89b-12d3-a456-426614174000 failed",
        "PAYMENTS_TIMEOUT_MS=30s",
        "ERROR Configuration key PAYMENTS_TIMEOUT_MS is not a number: '30s'",
        "LOG_LEVEL=debug",
        "secretName: db-credentials",
        "secretKeyRef: {name: db, key: password}",
        "automountServiceAccountToken: true",
        "Basic functionality restored after restart",
        "author: alice",
        "see https://example.com/docs?page=2",
        "if a == b then password_reset_enabled",
        "FATAL: password authentication failed for user \"app\"",
        "task-abcdefghijklmnopqrstuvwxyz0123 done",
        "image: registry.example/checkout:v3",
        "PWD=/home/app OLDPWD=/");
  }

  @ParameterizedTest
  @MethodSource("nearMisses")
  void nearMissesStay(String text) {
    assertThat(masking.mask(text)).isEqualTo(text);
  }

  @Test
  void keysSplitIntoWordsAtSeparatorsAndCase() {
    assertThat(MaskingRules.words("DB_PASSWORD")).containsExactly("db", "password");
    assertThat(MaskingRules.words("postgresPassword")).containsExactly("postgres", "password");
    assertThat(MaskingRules.words("APIKey")).containsExactly("api", "key");
    assertThat(MaskingRules.words("x-api.key")).containsExactly("x", "api", "key");
    assertThat(masking.secretKind("token_count")).isEmpty();
    assertThat(masking.secretKind("refreshToken")).contains("token");
  }

  @Test
  void maskingTwiceChangesNothingMore() {
    String once = masking.mask("password=hunter2 Authorization: Bearer abcdef0123456789abcdef");

    assertThat(masking.mask(once)).isEqualTo(once);
  }

  @Test
  void policyPatternsAndAllowedKeysAddToTheShippedRules() {
    Map<String, Integer> heard = new TreeMap<>();
    Masking custom =
        Masking.builder()
            .extraPattern("internal_token", "itk_[a-z0-9]{8}")
            .allowKeys(Set.of("PUBLIC_TOKEN"))
            .listener((kind, count) -> heard.merge(kind, count, Integer::sum))
            .build();

    assertThat(custom.mask("itk_abcd1234 public_token=pk1 password=x DB_TOKEN=y"))
        .isEqualTo(
            "[masked: internal_token] public_token=pk1 password=[masked: password]"
                + " DB_TOKEN=[masked: token]");
    assertThat(heard)
        .containsExactly(
            Map.entry("internal_token", 1), Map.entry("password", 1), Map.entry("token", 1));
  }

  @Test
  void aPolicyPatternThatDoesNotCompileIsRefusedByName() {
    assertThatThrownBy(() -> Masking.builder().extraPattern("mine", "(unclosed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pattern of mine does not compile");
    assertThatThrownBy(() -> Masking.builder().extraPattern("Bad Kind", "x"))
        .hasMessageContaining("kind 'Bad Kind' must be a lower-case word");
  }

  @Test
  void aBacktrackingPolicyPatternWithholdsTheTextInsteadOfHanging() {
    Masking custom = Masking.builder().extraPattern("slow", "(.*a){12}b").build();

    // Polynomial of degree 12 in the a's: without the step budget this would not end.
    assertThat(custom.mask("password=x " + "a".repeat(64)))
        .isEqualTo("[masked: output withheld: masking pattern slow ran out of its time budget]");
  }

  /**
   * Inputs built to make a regex backtrack, each the 16 KiB a tool may return: every one is masked
   * to the end (not withheld), which the step budget proves ran in linear steps. How long they take
   * is the masking benchmark's to say, not this test's.
   */
  static List<String> adversarial() {
    int size = 16 * 1024;
    List<String> inputs = new ArrayList<>();
    inputs.add(fill("a://", size));
    inputs.add(fill("ab://user:", size));
    inputs.add("x://u:" + "p".repeat(size));
    inputs.add(fill("-----BEGIN PRIVATE KEY-----", size));
    inputs.add(fill("Bearer ", size));
    inputs.add("Bearer " + "a".repeat(size));
    inputs.add(fill("eyJ", size));
    inputs.add("eyJ" + "a".repeat(size) + ".");
    inputs.add(fill("password=", size));
    inputs.add("a".repeat(size) + "=x");
    inputs.add(fill("a_", size) + "password=x");
    inputs.add(fill("=", size));
    inputs.add(fill(": ", size));
    inputs.add(fill("authorization: ", size));
    inputs.add(fill("\"", size));
    inputs.add(fill("sk-", size));
    inputs.add(fill("xoxb-", size));
    inputs.add(fill("AKIA", size));
    return inputs;
  }

  @Test
  void adversarialInputIsMaskedWithinTheStepBudget() {
    for (String input : adversarial()) {
      assertThat(masking.mask(input)).doesNotContain("output withheld");
    }
    assertThat(masking.mask("x://u:" + "p".repeat(100) + "@h"))
        .isEqualTo("x://u:[masked: password]@h");
    assertThat(masking.mask(fill("a_", 16 * 1024) + "password=x"))
        .endsWith("password=[masked: password]");
  }

  static String fill(String unit, int size) {
    return unit.repeat(size / unit.length() + 1).substring(0, size);
  }
}
