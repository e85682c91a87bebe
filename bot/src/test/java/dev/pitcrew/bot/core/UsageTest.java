package dev.pitcrew.bot.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitcrew.approvals.ManualClock;
import dev.pitcrew.approvals.UsageLimits;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UsageTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
  private final Usage usage = new Usage(new UsageLimits(2, 1_000), clock);

  @Test
  void asksOverTheHourlyLimitAreRefusedUntilTheOldestIsAnHourOld() {
    assertThat(usage.ask("UALICE")).isEmpty();
    clock.advance(Duration.ofMinutes(10));
    assertThat(usage.ask("UALICE")).isEmpty();
    assertThat(usage.ask("UBOB")).isEmpty(); // each person has their own hour

    assertThat(usage.ask("UALICE"))
        .contains(
            "you have made 2 requests in the last hour, the most the policy allows"
                + " (limits.asksPerHour); ask again at 11:00 UTC");
    clock.advance(Duration.ofMinutes(50));
    assertThat(usage.ask("UALICE")).isEmpty();
  }

  @Test
  void theModelIsNotAskedOnceAPersonsTokensForTheHourAreSpent() {
    usage.tokens("UALICE", 600);
    assertThat(usage.modelRefusal("UALICE")).isEmpty();
    usage.tokens("UALICE", 400);

    assertThat(usage.modelRefusal("UALICE"))
        .hasValueSatisfying(
            r -> assertThat(r).startsWith("the model has used 1000 tokens on your questions"));
    assertThat(usage.modelRefusal("UBOB")).isEmpty();
    clock.advance(Duration.ofHours(1));
    assertThat(usage.modelRefusal("UALICE")).isEmpty();
  }
}
