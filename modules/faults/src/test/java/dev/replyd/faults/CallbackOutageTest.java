package dev.replyd.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import dev.replyd.testing.DaemonProcess;
import dev.replyd.testing.RecordingMainApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Callback outage: the main app refuses connections, then answers 503, then recovers, and replyd is
 * restarted in the middle of it. Every acknowledged message is delivered after recovery, none fails,
 * and every retry replyd schedules (deferred/NAME.retry.json) waits at most callback.retry-max-delay
 * after the attempt before it. The wall-clock gaps the main app sees are reported, not asserted:
 * on a busy machine a due retry also waits for a free worker.
 *
 * <p>The retry delays are shortened with callback.retry-base-delay = 1s and retry-max-delay = 4s
 * (defaults 30 s and 1 h would make the test last minutes). Short: 2 x 20 messages, 6 s per
 * phase. Soak: 2 x 500 messages, 30 s per phase.
 */
class CallbackOutageTest extends DaemonHarness {
  static final Duration MAX_DELAY = Duration.ofSeconds(4);
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyMessageArrivesAfterAnOutageWithARestartInTheMiddle() throws Exception {
    // given: the main app is down
    int perHalf = Soak.size(20, 500);
    Duration phase = Duration.ofSeconds(Soak.size(6, 30));
    Path root = storageRoot();
    Path config = DaemonHarness.writeConfig(dir, root, app,
        "callback { timeout = 2s, max-age = 10m, retry-base-delay = 1s, retry-max-delay = " + MAX_DELAY.toSeconds() + "s }");
    app.down();
    daemon = new DaemonProcess(config);
    ReplyAddressCodec codec = DaemonHarness.codec();

    // when: mail arrives during the outage, replyd restarts, more mail, 503s, then recovery
    LoadClient first = new LoadClient(codec, () -> daemon.smtpPort, perHalf, 2, Duration.ofMinutes(2));
    first.run();
    Thread.sleep(phase.toMillis() / 2);
    String readyDuringOutage = daemon.http("/readyz");
    String metricsDuringOutage = callbackMetrics(daemon.http("/metrics"));
    int deferredBeforeRestart = StoredFiles.count(root, MaildirLayout.DEFERRED);
    Integer exit = daemon.stop(Duration.ofSeconds(30));
    daemon = new DaemonProcess(config);
    LoadClient second = new LoadClient(codec, () -> daemon.smtpPort, 2 * perHalf, 2, Duration.ofMinutes(2));
    // message numbers continue: the second client skips the first half's numbers
    for (int i = 0; i < perHalf; i++) {
      second.skip();
    }
    second.run();
    Thread.sleep(phase.toMillis() / 2);
    app.answerAlways(RecordingMainApp.Response.unavailable());
    app.up();
    Thread.sleep(phase.toMillis());
    List<Duration> scheduledWaits = scheduledWaits(root);
    long refused503 = app.answeredWith(503);
    long recoveryStart = System.nanoTime();
    app.answerOk();
    Set<Long> acked = new HashSet<>(first.acknowledged);
    acked.addAll(second.acknowledged);
    Duration patience = Duration.ofMinutes(Soak.ON ? 5 : 2);
    Await.within(patience, () -> app.acceptedPerThread().keySet().containsAll(acked));
    long recoveryMs = (System.nanoTime() - recoveryStart) / 1_000_000;
    Await.within(patience, () -> StoredFiles.count(root, MaildirLayout.SUCCESS) >= acked.size());

    // then
    Map<Long, Integer> posted = app.acceptedPerThread();
    Set<Long> lost = acked.stream().filter(n -> !posted.containsKey(n)).collect(Collectors.toSet());
    long maxGapMs = maxGapBetweenAttempts();
    long duplicates = app.accepted().size() - app.accepted().stream().map(RecordingMainApp.Request::deliveryId).distinct().count();
    Soak.report("callback-outage", "sent=" + (first.sent.size() + second.sent.size()) + " acknowledged=" + acked.size()
        + " deferred before restart=" + deferredBeforeRestart + " restart exit=" + exit + " 503s answered=" + refused503
        + " delivered=" + acked.stream().filter(posted::containsKey).count() + " duplicates=" + duplicates
        + " lost=" + lost.size() + " all delivered " + recoveryMs + " ms after recovery; longest gap between two attempts of"
        + " one delivery while answering 503: " + maxGapMs + " ms (retry-max-delay " + MAX_DELAY + "); files: "
        + StoredFiles.summary(root) + "; /readyz during the outage: " + readyDuringOutage.replace('\n', ' ')
        + "; metrics during the outage: " + metricsDuringOutage + "; retry waits scheduled (" + scheduledWaits.size()
        + " sampled): longest " + scheduledWaits.stream().max(Duration::compareTo).orElse(Duration.ZERO));
    assertThat(acked).hasSize(2 * perHalf);
    assertThat(deferredBeforeRestart).as("messages waiting for a retry while the main app is down").isPositive();
    assertThat(exit).as("SIGTERM exit status").isZero();
    assertThat(readyDuringOutage).startsWith("503").contains("callback");
    assertThat(metricsDuringOutage).containsPattern("replyd_callback_requests_total\\{status_class=\"error\"\\} [1-9]")
        .containsPattern("replyd_callback_pending_retries [1-9]");
    assertThat(refused503).as("attempts answered 503").isPositive();
    assertThat(lost).as("acknowledged but never delivered").isEmpty();
    assertThat(StoredFiles.count(root, MaildirLayout.SUCCESS)).isEqualTo(acked.size());
    assertThat(StoredFiles.count(root, MaildirLayout.FAILURE)).isZero();
    // Retry-After: 1 is below the backoff ceiling, so the ceiling bounds each scheduled wait.
    assertThat(scheduledWaits).as("retry states sampled while the main app answered 503").isNotEmpty()
        .allSatisfy(wait -> assertThat(wait).isLessThanOrEqualTo(MAX_DELAY.plus(SCHEDULING_STEPS)));
  }

  /**
   * The worker computes a retry's time right after the attempt's response, a few steps later than
   * the attempt's recorded end; a generous allowance for those steps, not a timing target.
   */
  static final Duration SCHEDULING_STEPS = Duration.ofSeconds(1);

  /**
   * For each retry state in deferred/: the time from the end of its last attempt to the next one,
   * as replyd scheduled it. Files that move while being read are skipped.
   */
  static List<Duration> scheduledWaits(Path root) throws IOException {
    List<Duration> waits = new ArrayList<>();
    List<Path> states;
    try (Stream<Path> files = Files.list(root.resolve(MaildirLayout.DEFERRED))) {
      states = files.filter(f -> f.getFileName().toString().endsWith(MaildirLayout.RETRY_SUFFIX)).toList();
    }
    for (Path state : states) {
      JsonNode json;
      try {
        json = JSON.readTree(Files.readAllBytes(state));
      } catch (NoSuchFileException retriedMeanwhile) {
        continue;
      }
      JsonNode history = json.get("history");
      JsonNode last = history.get(history.size() - 1);
      Instant attemptEnd = Instant.parse(last.get("at").asText()).plusMillis(last.get("duration_ms").asLong());
      waits.add(Duration.between(attemptEnd, Instant.parse(json.get("next_attempt_at").asText())));
    }
    return waits;
  }

  /** The longest time between two consecutive attempts of the same delivery, over 503s and the final 200. */
  long maxGapBetweenAttempts() {
    Map<String, Long> last = new HashMap<>();
    long max = 0;
    for (RecordingMainApp.Request a : app.requests()) {
      Long previous = last.put(a.deliveryId(), a.receivedNanos());
      if (previous != null) {
        max = Math.max(max, (a.receivedNanos() - previous) / 1_000_000);
      }
    }
    return max;
  }

  static String callbackMetrics(String scrape) {
    String lines = scrape.lines()
        .filter(l -> (l.startsWith("replyd_callback") || l.startsWith("replyd_maildir")) && !l.contains("_bucket"))
        .collect(Collectors.joining("; "));
    return lines.isEmpty() ? "(no replyd_callback_* or replyd_maildir_* metrics exported)" : lines;
  }
}
