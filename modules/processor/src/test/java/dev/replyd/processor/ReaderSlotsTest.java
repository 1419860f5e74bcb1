package dev.replyd.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.Await;
import dev.replyd.testing.RecordingLog;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bound on reader threads: reads a worker abandoned at the message deadline keep their slot until they
 * end, so the next read waits for one instead of starting yet another thread. The stuck reads here ignore
 * interrupts, as a CPU-bound read of a pathological message would.
 */
class ReaderSlotsTest {

  @RegisterExtension final RecordingLog replies = new RecordingLog("replies");

  private final ExecutorService readers = Executors.newCachedThreadPool(new NamedThreads("test-read", true));
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() throws InterruptedException {
    release.countDown();
    readers.shutdownNow();
    assertThat(readers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void abandonedReadsHoldTheirSlotsUntilTheyEndAndTheNextReadWaitsForOne() throws Exception {
    ReaderSlots slots = new ReaderSlots(2, readers);
    ReaderSlots.Read first = slots.submit("first", this::stuckUntilReleased);
    ReaderSlots.Read second = slots.submit("second", this::stuckUntilReleased);
    awaitRunning(2);
    first.abandon();
    second.abandon();
    assertThat(slots.overdue()).isEqualTo(2);

    CountDownLatch thirdRan = new CountDownLatch(1);
    Thread worker = new Thread(() -> {
      try {
        slots.submit("third", () -> {
          thirdRan.countDown();
          return Verdict.success();
        });
      } catch (InterruptedException stopping) {
        Thread.currentThread().interrupt();
      }
    }, "test-worker");
    worker.start();

    // No slot can free up while the two abandoned reads are stuck, so the third cannot have started.
    assertThat(thirdRan.await(1, TimeUnit.SECONDS)).isFalse();
    assertThat(worker.getState()).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);

    release.countDown();
    assertThat(thirdRan.await(30, TimeUnit.SECONDS)).isTrue();
    worker.join(30_000);
    awaitOverdue(slots, 0);
    assertThat(replies.lines()).containsExactly(
        "WARN third: waiting for a reader: all 2 are busy, 2 of them still reading past processor.message-deadline");
  }

  @Test
  void aReadCancelledBeforeItStartedGivesItsSlotBackAndIsNeverRun() throws Exception {
    ExecutorService neverRuns = Executors.newSingleThreadExecutor(new NamedThreads("test-busy", true));
    try {
      CountDownLatch busy = new CountDownLatch(1);
      neverRuns.execute(() -> {
        try {
          busy.await();
        } catch (InterruptedException stopping) {
          Thread.currentThread().interrupt();
        }
      });
      ReaderSlots slots = new ReaderSlots(1, neverRuns);
      AtomicInteger ran = new AtomicInteger();
      ReaderSlots.Read queued = slots.submit("queued", () -> {
        ran.incrementAndGet();
        return Verdict.success();
      });

      queued.abandon();

      assertThat(slots.overdue()).isZero();
      // A free slot: this returns at once (it would wait forever if the cancelled read still held it).
      ReaderSlots.Read next = slots.submit("next", Verdict::success);
      busy.countDown();
      assertThat(next.future().get(30, TimeUnit.SECONDS).kind()).isEqualTo(Verdict.Kind.SUCCESS);
      neverRuns.shutdown();
      assertThat(neverRuns.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      assertThat(ran).hasValue(0);
      assertThat(replies.lines()).isEmpty();
    } finally {
      neverRuns.shutdownNow();
    }
  }

  private final AtomicInteger running = new AtomicInteger();

  /** A read that ignores interrupts and ends only when the test releases it. */
  private Verdict stuckUntilReleased() {
    running.incrementAndGet();
    boolean interrupted = false;
    while (true) {
      try {
        release.await();
        break;
      } catch (InterruptedException ignored) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return Verdict.success();
  }

  private void awaitRunning(int reads) throws InterruptedException {
    Await.within(Duration.ofSeconds(30), () -> running.get() >= reads);
    assertThat(running).hasValue(reads);
  }

  private static void awaitOverdue(ReaderSlots slots, int expected) throws InterruptedException {
    Await.within(Duration.ofSeconds(30), () -> slots.overdue() == expected);
    assertThat(slots.overdue()).isEqualTo(expected);
  }
}
