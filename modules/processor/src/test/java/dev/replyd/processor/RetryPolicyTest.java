package dev.replyd.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.maildir.RetryState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Backoff with full jitter, bounded by Retry-After below and by the maximum age above. */
class RetryPolicyTest {

  private static final Instant FIRST = Instant.parse("2026-11-28T00:00:00Z");
  private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofDays(2));

  private static RetryState after(int attempts) {
    return new RetryState(attempts, FIRST.toString(), null, 503, null, List.of());
  }

  @Property
  void waitIsWithinTheExponentialCeiling(@ForAll @IntRange(min = 1, max = 60) int attempts,
      @ForAll @LongRange(min = 0, max = 3_600_000) long sinceFirstMs) {
    Instant now = FIRST.plusMillis(sinceFirstMs);
    long ceilingSeconds = Math.min(3600, 30L << Math.min(attempts - 1, 20));

    Instant next = policy.next(after(attempts), Optional.empty(), now).orElseThrow();

    assertThat(Duration.between(now, next)).isBetween(Duration.ZERO, Duration.ofSeconds(ceilingSeconds));
  }

  @Property
  void retryAfterIsALowerBoundOnTheWait(@ForAll @IntRange(min = 1, max = 10) int attempts,
      @ForAll @LongRange(min = 1, max = 86_400) long retryAfterSeconds) {
    Instant next = policy.next(after(attempts), Optional.of(Duration.ofSeconds(retryAfterSeconds)), FIRST).orElseThrow();

    assertThat(Duration.between(FIRST, next)).isGreaterThanOrEqualTo(Duration.ofSeconds(retryAfterSeconds));
  }

  @Property
  void noAttemptIsScheduledAfterTheMaximumAge(@ForAll @IntRange(min = 1, max = 60) int attempts,
      @ForAll @LongRange(min = 0, max = 2 * 86_400_000L - 1) long sinceFirstMs,
      @ForAll @LongRange(min = 0, max = 10 * 86_400L) long retryAfterSeconds) {
    Instant now = FIRST.plusMillis(sinceFirstMs);

    Instant next = policy.next(after(attempts), Optional.of(Duration.ofSeconds(retryAfterSeconds)), now).orElseThrow();

    assertThat(next).isBeforeOrEqualTo(FIRST.plus(Duration.ofDays(2)));
  }

  @Property
  void atTheMaximumAgeTheMessageGivesUp(@ForAll @LongRange(min = 0, max = 86_400_000L) long pastDeadlineMs) {
    Instant now = FIRST.plus(Duration.ofDays(2)).plusMillis(pastDeadlineMs);

    assertThat(policy.next(after(5), Optional.empty(), now)).isEmpty();
  }

  @Property
  void jitterSpreadsRetriesOfMessagesThatFailedTogether(@ForAll @IntRange(min = 3, max = 8) int attempts) {
    long distinct = java.util.stream.IntStream.range(0, 50)
        .mapToObj(i -> policy.next(after(attempts), Optional.empty(), FIRST).orElseThrow())
        .distinct().count();

    assertThat(distinct).isGreaterThan(40);
  }
}
