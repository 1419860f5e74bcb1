package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.fixture;
import static dev.replyd.processor.Fixtures.replyAddress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import dev.replyd.testing.RecordingMainApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * End-to-end latency from a file landing in {@code new/} to the callback arriving at a local
 * receiver, on a burst of 1,000 files with the default settings (4 workers unless {@code -Dreplyd.bench.threads}). Long, so only with
 * {@code -Dreplyd.bench=true}; the figures go to stdout and {@code target/latency.txt}.
 */
@EnabledIfSystemProperty(named = "replyd.bench", matches = "true")
class DeliveryLatencyBenchmark extends ProcessorHarness {

  private static final int BURST = Integer.getInteger("replyd.bench.burst", 1000);
  /** Delivering threads, as concurrent SMTP sessions would be. */
  private static final int WORKERS = Integer.getInteger("replyd.bench.threads", 4);
  private static final int PRODUCERS = Integer.getInteger("replyd.bench.producers", 8);

  @Test
  void burstOfOneThousandFilesLatencyFromNewToCallback() throws Exception {
    ProcessorSettings d = ProcessorSettings.defaults(receiver.url(), Fixtures.CALLBACK_SECRET);
    start(new ProcessorSettings(WORKERS, d.callbackUrl(), d.callbackSecret(), d.callbackTimeout(), d.maxAge(),
        d.retryBaseDelay(), d.retryMaxDelay(), d.maxAttachmentBytes(), d.maxMessageBytes(), d.rescanInterval(),
        d.retention()));
    String message = fixture("plain.eml");
    String address = replyAddress();
    // Warm-up: JIT, connection pool, class loading.
    for (int i = 0; i < 50; i++) {
      Fixtures.deliver(maildir, address, message);
    }
    Await.until("warm-up delivered", WAIT, () -> receiver.requests().size() == 50);

    Map<String, Long> inNewAt = new ConcurrentHashMap<>();
    ExecutorService producers = Executors.newFixedThreadPool(PRODUCERS);
    long burstStart = System.nanoTime();
    List<Future<?>> deliveries = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      deliveries.add(producers.submit(() -> {
        String name = Fixtures.deliver(maildir, address, message);
        inNewAt.put(name, System.nanoTime());
        return name;
      }));
    }
    for (Future<?> delivery : deliveries) {
      delivery.get();
    }
    long delivered = System.nanoTime();
    producers.shutdown();
    Await.until("burst delivered", Duration.ofMinutes(5), () -> receiver.requests().size() == 50 + BURST);
    long done = System.nanoTime();

    List<RecordingMainApp.Request> burst = receiver.requests().subList(50, 50 + BURST);
    long[] latenciesMicros = burst.stream()
        .mapToLong(r -> TimeUnit.NANOSECONDS.toMicros(r.receivedNanos() - inNewAt.get(r.deliveryId())))
        .sorted().toArray();
    assertThat(burst).extracting(RecordingMainApp.Request::deliveryId).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(inNewAt.keySet());
    Await.until("all filed", WAIT, () -> inNewAt.keySet().stream().allMatch(n -> isIn(MaildirLayout.SUCCESS, n)));

    String report = String.format(
        "burst of %d files from %d delivering threads, %d workers: delivering into new/ took %d ms; last callback after %d ms (%.0f msg/s)%n"
            + "latency new/ -> callback received: median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        BURST, PRODUCERS, WORKERS, TimeUnit.NANOSECONDS.toMillis(delivered - burstStart), TimeUnit.NANOSECONDS.toMillis(done - burstStart),
        BURST / ((done - burstStart) / 1e9),
        percentile(latenciesMicros, 50) / 1000.0, percentile(latenciesMicros, 90) / 1000.0,
        percentile(latenciesMicros, 99) / 1000.0, latenciesMicros[latenciesMicros.length - 1] / 1000.0);
    System.out.print(report);
    Files.writeString(Path.of("target/latency.txt"), report, StandardCharsets.UTF_8);
  }

  private static long percentile(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
