package dev.replyd.processor;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * ReaderSlots - bounds the reader threads that read messages within {@code processor.message-deadline}.
 *
 * <p>CONTRACT: at most {@code limit} reads run at once, counting the reads a worker abandoned at their
 * deadline that are still running (a reader is never killed, it only reads and ends on its own). A worker
 * takes a slot before its read starts and waits for one when none is free, so a stream of pathological
 * messages cannot start ever more threads competing for the cores, and a message is never failed for
 * time it spent waiting: its deadline starts with its read. A slot is given back when its read ends, or
 * when the read is cancelled before it started. {@link #overdue()} is the number of abandoned reads still
 * running (the {@code replyd_processor_readers_overdue} gauge).
 *
 * <p>THREAD-SAFETY: shared by all workers; each {@link Read} is driven by one worker and one reader.
 */
final class ReaderSlots {

  private static final Logger REPLIES = MessageWorker.REPLIES;

  /** Where one read is: not started, reading, reading after the worker abandoned it, or over. */
  private enum State { WAITING, RUNNING, OVERDUE, ENDED }

  private final ExecutorService readers;
  private final Semaphore free;
  private final int limit;
  private final AtomicInteger overdue = new AtomicInteger();

  /** At most {@code limit} reads at once on {@code readers} (the processor gives an unbounded pool: the bound is here). */
  ReaderSlots(int limit, ExecutorService readers) {
    this.readers = readers;
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    this.limit = limit;
    this.free = new Semaphore(limit);
  }

  /** Abandoned reads still running. */
  int overdue() {
    return overdue.get();
  }

  /**
   * Takes a slot (waiting for one, interruptibly, when all are busy) and runs {@code reading} on a
   * reader thread; the slot is given back when the read ends or is cancelled before it started.
   */
  Read submit(String name, Callable<Verdict> reading) throws InterruptedException {
    if (!free.tryAcquire()) {
      REPLIES.warn("{}: waiting for a reader: all {} are busy, {} of them still reading past processor.message-deadline",
          name, limit, overdue.get());
      free.acquire();
    }
    Read read = new Read(reading);
    try {
      readers.execute(read.task);
    } catch (RuntimeException rejected) {
      read.end();
      throw rejected;
    }
    return read;
  }

  /** One message's read: its future, and {@link #abandon} for the worker that gives up on it. */
  final class Read {
    private final AtomicReference<State> state = new AtomicReference<>(State.WAITING);
    private final FutureTask<Verdict> task;

    private Read(Callable<Verdict> reading) {
      this.task = new FutureTask<>(() -> {
        if (!state.compareAndSet(State.WAITING, State.RUNNING)) {
          return null; // cancelled before it started; done() gave the slot back
        }
        try {
          return reading.call();
        } finally {
          end();
        }
      }) {
        @Override
        protected void done() {
          if (state.compareAndSet(State.WAITING, State.ENDED)) {
            free.release();
          }
        }
      };
    }

    Future<Verdict> future() {
      return task;
    }

    /** The worker gave up at the deadline: a read still running now counts as overdue until it ends. */
    void abandon() {
      if (state.compareAndSet(State.RUNNING, State.OVERDUE)) {
        overdue.incrementAndGet();
      }
      task.cancel(true);
    }

    private void end() {
      State was = state.getAndSet(State.ENDED);
      if (was == State.OVERDUE) {
        overdue.decrementAndGet();
      }
      if (was != State.ENDED) {
        free.release();
      }
    }
  }
}
