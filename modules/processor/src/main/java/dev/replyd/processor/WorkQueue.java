package dev.replyd.processor;

import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.RetryState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * WorkQueue - the bounded hand-off between whoever finds a message (the watcher, the rescan,
 * a retry timer) and the workers.
 *
 * <p>CONTRACT: {@link #claimNew} claims a message through the Maildir (an atomic rename, so two finders racing for one file get it once) and then wait
 * for room in the queue: a full queue blocks the finder, which is the back-pressure: at most
 * {@code capacity} messages are claimed and not yet being worked on. {@link #put} takes work
 * the caller claimed itself ({@link DeferredSchedule}). A finder interrupted while
 * waiting leaves its message claimed in {@code cur/}; {@link Processor#stop} returns such
 * messages with {@code Maildir.recover()}.
 *
 * <p>FAILURES: a Maildir error while claiming is logged and the name skipped; the next rescan
 * tries again.
 *
 * <p>THREAD-SAFETY: safe for any number of finders and workers.
 */
final class WorkQueue {

  private static final Logger REPLIES = MessageWorker.REPLIES;

  private final Maildir maildir;
  private final BlockingQueue<Work> queue;

  WorkQueue(Maildir maildir, int capacity) {
    this.maildir = maildir;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** Claims a message from {@code new/}; false if another finder was first or it is gone. */
  boolean claimNew(String name) throws InterruptedException {
    Optional<Path> claimed;
    try {
      claimed = maildir.claim(name);
    } catch (IOException | RuntimeException e) {
      REPLIES.warn("{}: cannot claim from new ({}); will retry at the next rescan", name, e.toString());
      return false;
    }
    if (claimed.isEmpty()) {
      return false;
    }
    queue.put(new Work(name, claimed.get(), RetryState.none()));
    return true;
  }

  /** Queues a message the caller has already claimed (a due deferred message). */
  void put(Work work) throws InterruptedException {
    queue.put(work);
  }

  /** The next message, or null after {@code timeout} (so workers notice a stop). */
  Work next(long timeout, TimeUnit unit) throws InterruptedException {
    return queue.poll(timeout, unit);
  }

  /** Forgets queued work at stop; the messages stay claimed until recovery. */
  int abandon() {
    int n = queue.size();
    queue.clear();
    return n;
  }
}
