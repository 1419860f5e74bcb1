package dev.replyd.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.processor.Processor;
import dev.replyd.processor.ProcessorSettings;
import dev.replyd.testing.Await;
import dev.replyd.testing.LeakCheck;
import dev.replyd.testing.RecordingLog;
import dev.replyd.testing.RecordingMainApp;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * MIME fuzzing through the real processor: hostile and broken messages are delivered into the
 * Maildir and every one must end, within a bounded time, in success/ or in failure/ with a known
 * reason; no worker dies and nothing stays in cur/ or new/.
 *
 * <p>Short: 1,000-deep nesting, a 2 MiB header, 20,000 parts, broken encodings, unknown charsets,
 * bombs, 200 random mutations. Soak: also a 20 MiB header, a 50 MiB header (too_large), a million
 * parts and 5,000 mutations.
 */
class MimeFuzzTest {
  static final Set<String> REASONS = Set.of("invalid_token", "unknown_kind", "auto_reply", "empty_reply", "unparseable",
      "too_large", "callback_rejected", "retries_exhausted", "deadline_exceeded");
  /** Longest time one hostile message may take on two busy cores. */
  static final Duration PER_MESSAGE = Duration.ofSeconds(Soak.ON ? 300 : 60);
  static final int THREADS = 2;

  @RegisterExtension final LeakCheck leaks =
      LeakCheck.threads("replyd-worker-", "replyd-watch-", "replyd-timer-", "replyd-http-", "replyd-read-").listeningPorts();
  @RegisterExtension final RecordingLog log = RecordingLog.errorsAndExceptions();
  @TempDir Path root;
  RecordingMainApp app;
  Maildir maildir;
  Processor processor;
  final ReplyAddressCodec codec = DaemonHarness.codec();
  final Map<String, String> caseOf = new LinkedHashMap<>();

  @BeforeEach
  void start() throws Exception {
    app = RecordingMainApp.start(DaemonHarness.SECRET.getBytes(StandardCharsets.UTF_8));
    maildir = Maildir.open(root);
    ProcessorSettings defaults = ProcessorSettings.defaults(app.url(), DaemonHarness.SECRET.getBytes(StandardCharsets.UTF_8));
    ProcessorSettings settings = new ProcessorSettings(THREADS, defaults.callbackUrl(), defaults.callbackSecret(),
        Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofSeconds(2),
        defaults.maxAttachmentBytes(), defaults.maxMessageBytes(), Duration.ofSeconds(1), defaults.retention());
    processor = Processor.start(settings, maildir, codec, new ReplyExtractor(ReplyExtractor.Settings.defaults()));
  }

  @AfterEach
  void stop() throws Exception {
    processor.stop(Duration.ofSeconds(10));
    app.close();
  }

  String deliver(String label, String message) throws Exception {
    String rcpt = codec.mint(new ReplyToken("i", 1 + caseOf.size(), 9));
    String prefix = "Return-Path: <sender@client.test>\r\nDelivered-To: " + rcpt + "\r\n"
        + "Received: from client.test (client.test [192.0.2.7])\r\n\tby tracker.test (replyd) with ESMTP id F0F0F0F0F0F0"
        + "\r\n\tfor <" + rcpt + ">; Sat, 28 Nov 2026 01:00:00 +0000\r\n";
    String name = maildir.deliver(new ByteArrayInputStream(MalformedMail.bytes(message)), prefix.getBytes(StandardCharsets.US_ASCII));
    caseOf.put(name, label);
    return name;
  }

  /** success, or failure:&lt;reason&gt;, or null while the message is not filed yet. */
  String outcome(String name) throws Exception {
    if (Files.exists(maildir.path(MaildirLayout.SUCCESS, name))) {
      return "success";
    }
    Path reason = maildir.path(MaildirLayout.FAILURE, name + MaildirLayout.REASON_SUFFIX);
    if (Files.exists(maildir.path(MaildirLayout.FAILURE, name)) && Files.exists(reason)) {
      return "failure:" + new ObjectMapper().readTree(reason.toFile()).path("reason").asText("(no reason field)");
    }
    return null;
  }

  /** Delivers one message and waits for its outcome; returns "outcome in N ms". */
  String processAlone(String label, String message) throws Exception {
    String name = deliver(label, message);
    long t0 = System.nanoTime();
    Await.within(PER_MESSAGE, () -> outcome(name) != null);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    String outcome = outcome(name);
    assertThat(outcome).as("%s (%d bytes) not filed within %s; files: %s; log errors: %s", label, message.length(), PER_MESSAGE,
        StoredFiles.summary(root), log.errors()).isNotNull();
    return outcome + " in " + ms + " ms";
  }

  @Test
  void everyHostileMessageIsFiledWithAReasonInBoundedTimeAndNoWorkerDies() throws Exception {
    // given: the heavy cases, each timed alone
    Map<String, String> timed = new LinkedHashMap<>();
    timed.put("nested-multiparts-1000", processAlone("nested-multiparts-1000", MalformedMail.nestedMultiparts(1000)));
    timed.put("nested-messages-1000", processAlone("nested-messages-1000", MalformedMail.nestedMessages(1000)));
    timed.put("huge-header-2MiB", processAlone("huge-header-2MiB", MalformedMail.hugeHeader(2 << 20)));
    timed.put("huge-unfolded-header-1MiB", processAlone("huge-unfolded-header-1MiB", MalformedMail.hugeUnfoldedHeader(1 << 20)));
    timed.put("parts-20000", processAlone("parts-20000", MalformedMail.manyParts(20_000)));
    if (Soak.ON) {
      timed.put("huge-header-20MiB", processAlone("huge-header-20MiB", MalformedMail.hugeHeader(20 << 20)));
      timed.put("huge-header-50MiB", processAlone("huge-header-50MiB", MalformedMail.hugeHeader(50 << 20)));
      timed.put("parts-1000000", processAlone("parts-1000000", MalformedMail.manyParts(1_000_000)));
    }
    for (Map.Entry<String, String> bomb : MalformedMail.bombs(Soak.size(64 << 20, 1 << 30), Soak.size(3 << 20, 20 << 20)).entrySet()) {
      timed.put(bomb.getKey(), processAlone(bomb.getKey(), bomb.getValue()));
    }

    // when: the broken encodings and the random mutations all at once
    List<String> batch = new ArrayList<>();
    for (Map.Entry<String, String> c : MalformedMail.brokenEncodings().entrySet()) {
      batch.add(deliver(c.getKey(), c.getValue()));
    }
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int mutations = Soak.size(200, 5_000);
    for (int i = 0; i < mutations; i++) {
      batch.add(deliver("mutation-" + i, MalformedMail.mutated(random)));
    }
    long t0 = System.nanoTime();
    Duration batchBound = PER_MESSAGE.plus(Duration.ofMillis(200L * batch.size()));
    Await.within(batchBound, () -> batch.stream().allMatch(n -> outcomeOrNull(n) != null));
    long batchMs = (System.nanoTime() - t0) / 1_000_000;

    // then: all filed with a known reason, workers alive, a normal reply still goes through
    Map<String, Integer> outcomes = new TreeMap<>();
    List<String> unfiled = new ArrayList<>();
    for (String name : caseOf.keySet()) {
      String outcome = outcome(name);
      if (outcome == null) {
        unfiled.add(caseOf.get(name));
      } else {
        outcomes.merge(outcome, 1, Integer::sum);
      }
    }
    Map<String, String> encodingOutcomes = new LinkedHashMap<>();
    for (String name : batch.subList(0, MalformedMail.brokenEncodings().size())) {
      encodingOutcomes.put(caseOf.get(name), outcome(name));
    }
    String control = processAlone("control", MalformedMail.headers("control", "text/plain") + "\r\nA normal reply.\r\n");
    Soak.report("mime-fuzz", "seed=" + seed + " inputs=" + caseOf.size() + " outcomes=" + outcomes + " unfiled=" + unfiled
        + " batch of " + batch.size() + " in " + batchMs + " ms; heavy cases " + timed + "; broken encodings " + encodingOutcomes
        + "; control " + control);
    assertThat(unfiled).as("messages not filed within %s (seed %d)", batchBound, seed).isEmpty();
    assertThat(outcomes.keySet()).allSatisfy(o -> assertThat(o.equals("success") || REASONS.contains(o.substring("failure:".length())))
        .as("outcome %s", o).isTrue());
    assertThat(control).startsWith("success");
    assertThat(StoredFiles.count(root, MaildirLayout.CUR)).as("stuck in cur/").isZero();
    assertThat(StoredFiles.count(root, MaildirLayout.NEW)).as("left in new/").isZero();
    long workers = Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("replyd-worker")).count();
    assertThat(workers).as("live worker threads").isEqualTo(THREADS);
    assertThat(log.errors()).as("ERROR logs").isEmpty();
  }

  private String outcomeOrNull(String name) {
    try {
      return outcome(name);
    } catch (Exception e) {
      return null;
    }
  }
}
