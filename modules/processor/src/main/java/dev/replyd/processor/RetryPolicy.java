package dev.replyd.processor;

import dev.replyd.maildir.RetryState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * RetryPolicy - when to try a retryable callback again, or that it is time to give up.
 *
 * <p>CONTRACT: after attempt n (n >= 1) the wait is exponential backoff with full jitter, a
 * uniformly random duration in [0, min(maxDelay, baseDelay * 2^(n-1))] (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"): many messages failing together do not come back together.
 * A {@code Retry-After} from the main app is a lower bound on the wait. The schedule is bounded
 * by {@code maxAge} counted from the first attempt: a wait that would end later is shortened to
 * end exactly at the deadline (one last attempt), and once the deadline has passed
 * {@link #next} returns empty, meaning {@code retries_exhausted}.
 *
 * <p>THREAD-SAFETY: immutable; the random source is per thread.
 */
record RetryPolicy(Duration baseDelay, Duration maxDelay, Duration maxAge) {

  /**
   * The time of the next attempt for a message whose state already records its latest attempt,
   * or empty when its maximum age is reached.
   */
  Optional<Instant> next(RetryState state, Optional<Duration> retryAfter, Instant now) {
    Instant deadline = state.firstAttempt().plus(maxAge);
    if (!now.isBefore(deadline)) {
      return Optional.empty();
    }
    long ceilingMs = ceiling(state.attempts()).toMillis();
    Duration wait = Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceilingMs + 1));
    if (retryAfter.isPresent() && retryAfter.get().compareTo(wait) > 0) {
      wait = retryAfter.get();
    }
    Instant next = now.plus(wait);
    return Optional.of(next.isAfter(deadline) ? deadline : next);
  }

  /** min(maxDelay, baseDelay * 2^(attempts-1)), without overflowing for large counts. */
  Duration ceiling(int attempts) {
    int doublings = Math.max(0, attempts - 1);
    if (doublings >= 40) {
      return maxDelay;
    }
    Duration grown = baseDelay.multipliedBy(1L << doublings);
    return grown.compareTo(maxDelay) > 0 ? maxDelay : grown;
  }
}
