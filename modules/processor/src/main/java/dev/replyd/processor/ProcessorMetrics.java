package dev.replyd.processor;

import dev.replyd.maildir.CallbackAttempt;
import dev.replyd.maildir.FailureReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * ProcessorMetrics - what the processor tells Prometheus, and the callback health {@code /readyz}
 * reads.
 *
 * <p>CONTRACT: meters (Prometheus names): {@code replyd_processed_total{outcome,reason}} with
 * outcome success|failure|postmaster|deferred and reason a {@link FailureReason} wire name or
 * {@code none}; {@code replyd_processing_duration_seconds} (histogram, claim to filing);
 * {@code replyd_callback_requests_total{status_class}} with 2xx|3xx|4xx|5xx|error, and
 * {@code stale_connection} for an attempt that died on a connection the main app had already
 * closed and was sent again at once ({@link CallbackOutcome#retryAtOnce()});
 * {@code replyd_callback_duration_seconds} (histogram); {@code replyd_callback_retries_scheduled_total};
 * {@code replyd_processor_readers_overdue} (gauge: reads abandoned at the message deadline, still running).
 * Labels are small fixed sets: never an address, a message id or a URL.
 *
 * <p>{@link #callbackProblem()} (readiness) is about reaching the main app, not about what it
 * thinks of one reply. An attempt is <em>unreachable</em> when it got no HTTP response (network
 * error, timeout) or a 5xx; any other answer (2xx, and also a 4xx refusal of one message) shows
 * the main app is there and ends the run of unreachable attempts. The problem is reported when the
 * last {@link #UNREACHABLE_RUN} attempts in a row were unreachable and the latest of them started
 * within {@code window} ({@code callback.retry-max-delay}: while mail waits for a retry, attempts
 * come at least that often, so an outage does not flap; with nothing left to retry, readiness
 * returns after that long instead of keeping an old verdict forever). Stale-connection attempts
 * retried at once do not count: the retry decides.
 *
 * <p>THREAD-SAFETY: shared by all workers; Micrometer meters are thread-safe and the health
 * state is one immutable record swapped atomically.
 */
final class ProcessorMetrics {
  private final MeterRegistry registry;
  private final Timer processing;
  private final Timer callbackDuration;
  /** Unreachable attempts in a row before readiness reports the callback. */
  static final int UNREACHABLE_RUN = 3;

  /** The current run of unreachable attempts: how many, since when, the latest and its error. */
  private record Run(int attempts, Instant since, Instant latest, String lastError) {
    static final Run NONE = new Run(0, null, null, null);

    Run plus(Instant at, String error) {
      return new Run(attempts + 1, attempts == 0 ? at : since, at, error);
    }
  }

  private final Counter retriesScheduled;
  private final Duration window;
  private final Clock clock;
  private final AtomicReference<Run> unreachable = new AtomicReference<>(Run.NONE);

  /** {@code replyd_processor_readers_overdue}: reads abandoned at processor.message-deadline and still running. */
  void overdueReaders(IntSupplier running) {
    Gauge.builder("replyd.processor.readers.overdue", running::getAsInt)
        .description("Message reads abandoned at processor.message-deadline that are still running")
        .register(registry);
  }

  ProcessorMetrics(MeterRegistry registry, Duration window, Clock clock) {
    this.registry = registry;
    this.window = window;
    this.clock = clock;
    this.processing = durationTimer("replyd.processing.duration",
        "Time from claiming a message to filing it", registry);
    this.callbackDuration = durationTimer("replyd.callback.duration",
        "Duration of one callback request to the main app", registry);
    this.retriesScheduled = Counter.builder("replyd.callback.retries.scheduled")
        .description("Callback retries scheduled after a retryable failure")
        .register(registry);
    for (FailureReason reason : FailureReason.values()) {
      // Pre-register so rates exist (as 0) before the first failure of each kind.
      filedCounter("failure", reason.wireName());
    }
    filedCounter("success", "none");
  }

  void filed(String outcome, String reason, long startNanos) {
    filedCounter(outcome, reason).increment();
    processing.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  /** A duration timer with the histogram range (1 ms to 1 min) that every processor duration shares. */
  private static Timer durationTimer(String name, String description, MeterRegistry registry) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(1))
        .register(registry);
  }

  private Counter filedCounter(String outcome, String reason) {
    return Counter.builder("replyd.processed")
        .description("Messages filed by the processor, by outcome and failure reason")
        .tag("outcome", outcome)
        .tag("reason", reason)
        .register(registry);
  }

  /** An attempt that decided its post's outcome. */
  void callback(CallbackAttempt attempt, Instant at) {
    Integer status = attempt.status();
    count(attempt, status == null ? "error" : (status / 100) + "xx");
    if (status != null && status < 500) {
      unreachable.set(Run.NONE);
    } else {
      unreachable.updateAndGet(run -> run.plus(at, attempt.describe()));
    }
  }

  /** An attempt that died on a stale connection and was sent again at once. */
  void staleConnection(CallbackAttempt attempt) {
    count(attempt, "stale_connection");
  }

  private void count(CallbackAttempt attempt, String statusClass) {
    Counter.builder("replyd.callback.requests")
        .description("Callback requests to the main app, by status class (error = no HTTP response;"
            + " stale_connection = died on a closed keep-alive connection, sent again at once)")
        .tag("status_class", statusClass)
        .register(registry)
        .increment();
    callbackDuration.record(attempt.durationMs(), TimeUnit.MILLISECONDS);
  }

  void retryScheduled() {
    retriesScheduled.increment();
  }

  Optional<String> callbackProblem() {
    Run run = unreachable.get();
    if (run.attempts() < UNREACHABLE_RUN || run.latest().plus(window).isBefore(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of("callback failing since " + run.since() + " (" + run.attempts()
        + " attempts in a row without reaching the main app; last: " + run.lastError() + ")");
  }
}
