package dev.replyd.processor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * ProcessorMetrics - what the processor tells Prometheus, and the callback health {@code /readyz}
 * reads.
 *
 * <p>CONTRACT: meters (Prometheus names): {@code replyd_processed_total{outcome,reason}} with
 * outcome success|failure|postmaster|deferred and reason a {@link FailureReason} wire name or
 * {@code none}; {@code replyd_processing_duration_seconds} (histogram, claim to filing);
 * {@code replyd_callback_requests_total{status_class}} with 2xx|3xx|4xx|5xx|error;
 * {@code replyd_callback_duration_seconds} (histogram); {@code replyd_callback_retries_scheduled_total}.
 * Labels are small fixed sets: never an address, a message id or a URL.
 *
 * <p>{@link #callbackProblem()} is empty while the last attempt succeeded (or none was made),
 * else names when the main app started failing and the last error.
 *
 * <p>THREAD-SAFETY: shared by all workers; Micrometer meters are thread-safe and the health
 * fields are volatile, written by whichever worker finished an attempt last.
 */
final class ProcessorMetrics {
  private final MeterRegistry registry;
  private final Timer processing;
  private final Timer callbackDuration;
  private final Counter retriesScheduled;
  private volatile Instant failingSince;
  private volatile String lastError;

  ProcessorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.processing = Timer.builder("replyd.processing.duration")
        .description("Time from claiming a message to filing it")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(1))
        .register(registry);
    this.callbackDuration = Timer.builder("replyd.callback.duration")
        .description("Duration of one callback request to the main app")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(1))
        .register(registry);
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

  private Counter filedCounter(String outcome, String reason) {
    return Counter.builder("replyd.processed")
        .description("Messages filed by the processor, by outcome and failure reason")
        .tag("outcome", outcome)
        .tag("reason", reason)
        .register(registry);
  }

  void callback(CallbackAttempt attempt, Instant at) {
    Integer status = attempt.status();
    String statusClass = status == null ? "error" : (status / 100) + "xx";
    Counter.builder("replyd.callback.requests")
        .description("Callback requests to the main app, by status class (error = no HTTP response)")
        .tag("status_class", statusClass)
        .register(registry)
        .increment();
    callbackDuration.record(attempt.durationMs(), TimeUnit.MILLISECONDS);
    if (status != null && status / 100 == 2) {
      failingSince = null;
      lastError = null;
    } else {
      if (failingSince == null) {
        failingSince = at;
      }
      lastError = attempt.describe();
    }
  }

  void retryScheduled() {
    retriesScheduled.increment();
  }

  Optional<String> callbackProblem() {
    Instant since = failingSince;
    return since == null ? Optional.empty()
        : Optional.of("callback failing since " + since + " (last: " + lastError + ")");
  }
}
