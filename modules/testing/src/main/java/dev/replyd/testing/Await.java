package dev.replyd.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Await - the one wait of the project's tests: polls a condition until it holds or a deadline
 * passes. Tests wait for conditions with generous deadlines, never for a fixed time, and never
 * assert how long something took; a deadline only bounds how long a broken test hangs.
 *
 * <pre>
 * Await.until("3 replies filed as success", Duration.ofSeconds(60),
 *     () -&gt; StoredFiles.count(root, MaildirLayout.SUCCESS) == 3, () -&gt; "files: " + files());
 * Await.within(Duration.ofSeconds(60), () -&gt; filed(state) &gt;= count);
 * assertThat(filed(state)).as("messages filed under %s", state).isEqualTo(count);
 * </pre>
 *
 * <p>Contract: the condition is checked at once, then after pauses of 10 ms growing to 100 ms (a
 * quick answer in the common case, little load on a busy machine in a long wait), and once more
 * when the deadline has passed, so a zero deadline checks it exactly once. {@link #within} says
 * whether it held, for a caller that asserts with its own message; {@link #until} fails with
 * {@code not within <deadline>: <what>} and an optional detail line.
 *
 * <p>Failures: an exception the condition throws ends the wait and reaches the caller unchanged
 * (its checked type is the condition's). An interrupt ends the wait with {@link
 * InterruptedException}, without a further check. A negative deadline is an
 * {@link IllegalArgumentException}.
 *
 * <p>Thread-safety: stateless; the condition runs on the calling thread.
 */
public final class Await {
  private static final long FIRST_PAUSE_MILLIS = 10;
  private static final long LONGEST_PAUSE_MILLIS = 100;

  /** What a wait waits for; it may throw (a file that cannot be read, a peer that is gone). */
  @FunctionalInterface
  public interface Condition<E extends Exception> {
    boolean holds() throws E;
  }

  private Await() {
  }

  /** Polls {@code condition} until it holds (true) or {@code deadline} has passed (false). */
  public static <E extends Exception> boolean within(Duration deadline, Condition<E> condition)
      throws E, InterruptedException {
    if (deadline.isNegative()) {
      throw new IllegalArgumentException("deadline: " + deadline + " (expected: zero or more)");
    }
    long end = System.nanoTime() + deadline.toNanos();
    long pause = FIRST_PAUSE_MILLIS;
    while (!condition.holds()) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      Thread.sleep(Math.min(pause, TimeUnit.NANOSECONDS.toMillis(left) + 1));
      pause = Math.min(2 * pause, LONGEST_PAUSE_MILLIS);
    }
    return true;
  }

  /** Polls {@code condition} until it holds, failing with {@code not within <deadline>: <what>} if it does not. */
  public static <E extends Exception> void until(String what, Duration deadline, Condition<E> condition)
      throws E, InterruptedException {
    if (!within(deadline, condition)) {
      throw new AssertionError("not within " + deadline + ": " + what);
    }
  }

  /**
   * Like {@link #until(String, Duration, Condition)}, with a line from {@code detail} (what was
   * there instead: files, a log) after the message; {@code detail} is asked only on failure.
   */
  public static <E extends Exception> void until(String what, Duration deadline, Condition<E> condition,
      Supplier<String> detail) throws E, InterruptedException {
    if (!within(deadline, condition)) {
      throw new AssertionError("not within " + deadline + ": " + what + "\n" + detail.get());
    }
  }
}
