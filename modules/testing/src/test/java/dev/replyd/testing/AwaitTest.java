package dev.replyd.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Await against conditions that hold later, never hold, throw, or wait on a thread that is interrupted. */
class AwaitTest {
  /** Generous: reached only if Await is broken, and then the test fails instead of hanging. */
  private static final Duration LONG = Duration.ofMinutes(2);

  @Test
  void aConditionThatHoldsLaterEndsTheWaitAtTheCheckWhereItHolds() throws Exception {
    // given
    AtomicInteger checks = new AtomicInteger();

    // when
    boolean held = Await.within(LONG, () -> checks.incrementAndGet() == 5);

    // then
    assertThat(held).isTrue();
    assertThat(checks).hasValue(5);
  }

  @Test
  void untilReturnsOnceTheConditionHolds() throws Exception {
    // given
    AtomicInteger checks = new AtomicInteger();

    // when / then
    assertThatCode(() -> Await.until("the third check", LONG, () -> checks.incrementAndGet() == 3))
        .doesNotThrowAnyException();
    assertThat(checks).hasValue(3);
  }

  @Test
  void aZeroDeadlineChecksTheConditionExactlyOnce() throws Exception {
    // given
    AtomicInteger checks = new AtomicInteger();

    // when
    boolean held = Await.within(Duration.ZERO, () -> checks.incrementAndGet() > 1);

    // then
    assertThat(held).isFalse();
    assertThat(checks).hasValue(1);
    assertThat(Await.within(Duration.ZERO, () -> true)).isTrue();
  }

  @Test
  void aConditionThatNeverHoldsFailsNamingTheDeadlineAndWhatWasAwaited() {
    assertThatThrownBy(() -> Await.until("the queue to empty", Duration.ofMillis(50), () -> false))
        .isExactlyInstanceOf(AssertionError.class)
        .hasMessage("not within PT0.05S: the queue to empty");
  }

  @Test
  void theDetailFollowsTheMessageAndIsAskedOnlyOnFailure() throws Exception {
    // given
    AtomicInteger asked = new AtomicInteger();

    // when
    Await.until("a file", LONG, () -> true, () -> "asked " + asked.incrementAndGet());

    // then
    assertThat(asked).hasValue(0);
    assertThatThrownBy(() -> Await.until("3 files in new/", Duration.ofMillis(20), () -> false,
        () -> "files: new/ 1, tmp/ 2"))
        .hasMessage("not within PT0.02S: 3 files in new/\nfiles: new/ 1, tmp/ 2");
  }

  @Test
  void withinSaysFalseWhenTheConditionNeverHolds() throws Exception {
    assertThat(Await.within(Duration.ofMillis(30), () -> false)).isFalse();
  }

  @Test
  void anExceptionFromTheConditionEndsTheWaitUnchanged() {
    // given
    AtomicInteger checks = new AtomicInteger();
    IOException gone = new IOException("maildir gone");

    // when / then
    assertThatThrownBy(() -> Await.until("a file", LONG, () -> {
      if (checks.incrementAndGet() == 2) {
        throw gone;
      }
      return false;
    })).isSameAs(gone);
    assertThat(checks).hasValue(2);
    assertThatThrownBy(() -> Await.within(LONG, () -> {
      throw new AssertionError("chromedriver exited with 1");
    })).hasMessage("chromedriver exited with 1");
  }

  @Test
  void anInterruptedThreadDoesNotWait() {
    // given
    Thread.currentThread().interrupt();

    // when / then
    assertThatThrownBy(() -> Await.within(LONG, () -> false)).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).as("interrupt status, consumed by the exception").isFalse();
  }

  @Test
  void anInterruptDuringTheWaitEndsItWithInterruptedException() throws Exception {
    // given: a thread waiting for a condition that never holds
    CountDownLatch polled = new CountDownLatch(2);
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread waiter = new Thread(() -> {
      try {
        Await.within(LONG, () -> {
          polled.countDown();
          return false;
        });
        ended.set(new AssertionError("the wait ended without the interrupt"));
      } catch (Throwable e) {
        ended.set(e);
      }
    }, "await-test-waiter");
    waiter.start();
    polled.await();

    // when
    waiter.interrupt();
    waiter.join(LONG.toMillis());

    // then
    assertThat(waiter.isAlive()).as("waiter still waiting").isFalse();
    assertThat(ended.get()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void aNegativeDeadlineIsRefusedNamingIt() {
    assertThatThrownBy(() -> Await.within(Duration.ofSeconds(-1), () -> true))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("deadline: PT-1S (expected: zero or more)");
  }
}
