package dev.replyd.daemon;

import dev.replyd.maildir.Backlog;
import dev.replyd.maildir.Maildir;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.function.ToDoubleFunction;

/**
 * Storage gauges: {@code replyd_maildir_backlog_files} (new + cur), {@code replyd_maildir_oldest_age_seconds},
 * {@code replyd_callback_pending_retries} (deferred) and {@code replyd_storage_free_bytes}.
 *
 * <p>Listing directories costs time with a large backlog, so one {@link Backlog} is shared by all
 * gauges for {@link #MAX_STALENESS}: a scrape lists the Maildir at most once. A failure to list
 * reports NaN (Prometheus shows a gap) rather than a misleading zero.
 *
 * <p>The gauges hold this object strongly: Micrometer keeps only a weak reference by default, and
 * nothing else refers to it.
 *
 * <p>Thread-safety: scrapes may overlap; the cache is one volatile snapshot.
 */
final class StorageGauges {
  static final Duration MAX_STALENESS = Duration.ofSeconds(5);

  private record Snapshot(Backlog backlog, long takenNanos) {}

  private final Maildir maildir;
  private volatile Snapshot snapshot;

  private StorageGauges(Maildir maildir) {
    this.maildir = maildir;
  }

  static void bind(Maildir maildir, MeterRegistry registry) {
    StorageGauges g = new StorageGauges(maildir);
    gauge(registry, g, "replyd.maildir.backlog", "files", "Messages waiting or being processed (new + cur)",
        b -> b.pending() + b.claimed());
    gauge(registry, g, "replyd.maildir.oldest.age", "seconds", "Age of the oldest message in new, cur or deferred",
        b -> b.oldestAge().map(d -> d.toMillis() / 1000.0).orElse(0.0));
    gauge(registry, g, "replyd.callback.pending.retries", null, "Messages waiting for a callback retry (deferred)",
        Backlog::deferred);
    Gauge.builder("replyd.storage.free", g, StorageGauges::freeBytes).baseUnit("bytes")
        .description("Usable bytes on the storage filesystem").strongReference(true).register(registry);
  }

  private static void gauge(MeterRegistry registry, StorageGauges g, String name, String unit, String help,
      ToDoubleFunction<Backlog> value) {
    Gauge.builder(name, g, s -> s.backlog() == null ? Double.NaN : value.applyAsDouble(s.backlog()))
        .baseUnit(unit).description(help).strongReference(true).register(registry);
  }

  private Backlog backlog() {
    Snapshot s = snapshot;
    if (s == null || System.nanoTime() - s.takenNanos() > MAX_STALENESS.toNanos()) {
      try {
        s = new Snapshot(maildir.backlog(), System.nanoTime());
      } catch (IOException e) {
        s = new Snapshot(null, System.nanoTime());
      }
      snapshot = s;
    }
    return s.backlog();
  }

  private double freeBytes() {
    try {
      return maildir.usableSpace();
    } catch (IOException e) {
      return Double.NaN;
    }
  }
}
