package dev.replyd.processor;

import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.RetryState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * DeferredSchedule - brings deferred messages back to the workers when their next attempt is
 * due.
 *
 * <p>CONTRACT: the Maildir's deferred directory and each message's {@code <name>.retry.json}
 * are the truth; this class only keeps one timer per deferred name. {@link #add} is called by
 * the worker that just deferred a message; {@link #rescan} (at start-up and every rescan
 * interval) adds timers for deferred messages it does not know, reading their persisted
 * {@link RetryState}, so after a restart each message keeps its due time, attempt count and
 * first-attempt time. A due message is claimed ({@code deferred -> cur}) and queued with its
 * state.
 *
 * <p>FAILURES: a deferred message whose retry state is missing or unreadable at two rescans
 * in a row (once could be a worker mid-defer) is logged and retried at once with a fresh state:
 * a damaged schedule must not strand a reply. Maildir errors are logged; the next
 * rescan tries again.
 *
 * <p>THREAD-SAFETY: safe for concurrent {@link #add} and {@link #rescan}; timers run on the
 * processor's timer thread.
 */
final class DeferredSchedule {

  private static final Logger REPLIES = MessageWorker.REPLIES;

  private final Maildir maildir;
  private final WorkQueue queue;
  private final ScheduledExecutorService timers;
  private final Clock clock;
  private final Map<String, ScheduledFuture<?>> timersByName = new ConcurrentHashMap<>();
  /** Deferred names seen without a retry state once: maybe mid-write by a worker. */
  private final Set<String> missingState = ConcurrentHashMap.newKeySet();

  DeferredSchedule(Maildir maildir, WorkQueue queue, ScheduledExecutorService timers, Clock clock) {
    this.maildir = maildir;
    this.queue = queue;
    this.timers = timers;
    this.clock = clock;
  }

  void add(String name, Instant due) {
    timersByName.computeIfAbsent(name, n -> {
      long delayMs = Math.max(0, Duration.between(clock.instant(), due).toMillis());
      try {
        return timers.schedule(() -> fire(n), delayMs, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopping) {
        return null; // the processor is stopping; the next start-up rescans
      }
    });
  }

  void rescan() {
    java.util.List<String> names;
    try {
      names = maildir.deferred();
    } catch (IOException | RuntimeException e) {
      REPLIES.warn("cannot list deferred messages ({}); will retry at the next rescan", e.toString());
      return;
    }
    for (String name : names) {
      if (timersByName.containsKey(name)) {
        continue;
      }
      Optional<RetryState> state = readState(name);
      if (state.isPresent()) {
        missingState.remove(name);
        add(name, state.get().nextAttempt(clock.instant()));
      } else if (!missingState.add(name)) {
        // Missing at two rescans in a row: not a worker mid-defer, a lost state file.
        REPLIES.warn("{}: deferred without retry state; retrying now with a fresh schedule", name);
        missingState.remove(name);
        add(name, clock.instant());
      }
    }
  }

  private void fire(String name) {
    RetryState state = readState(name).orElseGet(RetryState::none);
    Optional<Path> claimed;
    try {
      claimed = maildir.claimDeferred(name);
    } catch (IOException | RuntimeException e) {
      REPLIES.warn("{}: cannot claim from deferred ({}); will retry at the next rescan", name, e.toString());
      return;
    } finally {
      // Out of deferred/ (or not claimable): a later defer of this name needs a new timer.
      timersByName.remove(name);
    }
    if (claimed.isPresent()) {
      try {
        queue.put(new Work(name, claimed.get(), state));
      } catch (InterruptedException stopping) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The persisted state; empty when there is none, and also when it is unreadable (logged). */
  private Optional<RetryState> readState(String name) {
    try {
      Optional<byte[]> raw = maildir.retryState(name);
      if (raw.isPresent()) {
        return Optional.of(RetryState.fromJson(raw.get()));
      }
    } catch (IOException | RuntimeException e) {
      REPLIES.warn("{}: unreadable retry state ({}); retrying with a fresh schedule", name, e.toString());
    }
    return Optional.empty();
  }
}
