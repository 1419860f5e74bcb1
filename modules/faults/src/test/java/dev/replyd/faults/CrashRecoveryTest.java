package dev.replyd.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import dev.replyd.testing.DaemonProcess;
import dev.replyd.testing.RecordingMainApp;
import dev.replyd.testing.SmtpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Crash: replyd is SIGKILLed at random moments while a load client sends and while the processor
 * posts, and started again on the same storage. Nothing acknowledged with 250 may be lost: every
 * such message reaches the main app and ends with exactly one success file; nothing is left in
 * tmp/, nothing fails. Duplicate POSTs (at-least-once) are counted and reported, not refused.
 *
 * <p>Short: 300 messages over 5 sessions, 1 kill. Soak: 5,000 messages over 20 sessions, 3 kills.
 */
class CrashRecoveryTest extends DaemonHarness {
  @Test
  void noAcknowledgedMessageIsLostWhenTheDaemonIsKilledAndRestarted() throws Exception {
    // given
    int messages = Soak.size(300, 5_000);
    int sessions = Soak.size(5, 20);
    int kills = Soak.size(1, 3);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path root = storageRoot();
    Path config = DaemonHarness.writeConfig(dir, root, app, "processor.threads = 4");
    daemon = new DaemonProcess(config);
    ReplyAddressCodec codec = new ReplyAddressCodec("reply", DaemonHarness.REPLY_DOMAIN, List.of("i"),
        List.of(DaemonHarness.KEY.getBytes(StandardCharsets.UTF_8)));
    LoadClient client = new LoadClient(codec, () -> daemon.smtpPort, messages, sessions, Duration.ofMinutes(5));

    // when: the daemon is killed each time the acknowledged count passes a random threshold
    AtomicReference<Throwable> loadFailure = new AtomicReference<>();
    Thread load = client.runInBackground("load", loadFailure);
    int killed = 0;
    for (int k = 0; k < kills; k++) {
      int slot = messages / (kills + 1);
      int threshold = slot * k + slot / 2 + random.nextInt(Math.max(1, slot));
      while (client.acknowledged.size() < threshold && load.isAlive()) {
        Thread.sleep(5);
      }
      if (!load.isAlive()) {
        break;
      }
      Thread.sleep(random.nextInt(100));
      daemon.kill9();
      killed++;
      daemon = new DaemonProcess(config);
    }
    load.join(Duration.ofMinutes(10).toMillis());
    assertThat(load.isAlive()).as("load client finished").isFalse();
    assertThat(loadFailure.get()).as("load client failure").isNull();

    // then: everything acknowledged reaches the main app and is filed once as success
    Set<Long> acked = Set.copyOf(client.acknowledged);
    Await.within(Duration.ofMinutes(Soak.ON ? 10 : 3), () -> app.acceptedPerThread().keySet().containsAll(acked)
        && StoredFiles.count(root, MaildirLayout.NEW) == 0 && StoredFiles.count(root, MaildirLayout.CUR) == 0);
    Map<Long, Integer> posted = app.acceptedPerThread();
    Map<Long, Integer> success = StoredFiles.loadMessages(root, MaildirLayout.SUCCESS);
    Set<Long> lost = acked.stream().filter(n -> !posted.containsKey(n) || success.getOrDefault(n, 0) != 1)
        .collect(Collectors.toSet());
    long deliveryIds = app.accepted().stream().map(RecordingMainApp.Request::deliveryId).distinct().count();
    long duplicatePosts = app.accepted().size() - deliveryIds;
    long deliveredWithout250 = posted.keySet().stream().filter(n -> !acked.contains(n)).count();
    Soak.report("crash", "seed=" + seed + " kills=" + killed + " sessions=" + sessions + " sent=" + client.sent.size()
        + " acknowledged=" + acked.size() + " delivered=" + acked.stream().filter(posted::containsKey).count()
        + " duplicate-posts=" + duplicatePosts + " delivered-without-250=" + deliveredWithout250
        + " broken-sessions=" + client.brokenSessions.get() + " refusals=" + client.refusals.get()
        + " lost=" + lost.size() + " files: " + StoredFiles.summary(root));

    assertThat(killed).as("kills done").isEqualTo(kills);
    assertThat(acked).as("acknowledged messages").hasSizeGreaterThan(messages / 2);
    assertThat(lost).as("acknowledged but not posted, or not exactly one success file (seed %d)", seed).isEmpty();
    assertThat(success.values()).as("success files per message").allMatch(c -> c == 1);
    // Partial deliveries of the killed process stay in tmp/ (see the disabled test below); they must
    // never be messages that were acknowledged, and there is at most one per session per kill.
    assertThat(StoredFiles.loadMessages(root, MaildirLayout.TMP).keySet()).as("acknowledged messages in tmp/")
        .doesNotContainAnyElementsOf(acked);
    assertThat(StoredFiles.count(root, MaildirLayout.TMP)).as("partial files in tmp/").isLessThanOrEqualTo(kills * sessions);
    assertThat(StoredFiles.count(root, MaildirLayout.FAILURE)).as("files in failure/").isZero();
    assertThat(app.answeredWith(401)).isZero();
    assertThat(daemon.stop(Duration.ofSeconds(30))).as("exit status after SIGTERM; log:\n%s", daemon.log()).isZero();
  }

  @Test
  void aPartialDeliveryCutBySigkillIsRemovedFromTmpAtRestart() throws Exception {
    // given: a transaction half-way through DATA
    Path root = storageRoot();
    Path config = DaemonHarness.writeConfig(dir, root, app, "");
    daemon = new DaemonProcess(config);
    ReplyAddressCodec codec = new ReplyAddressCodec("reply", DaemonHarness.REPLY_DOMAIN, List.of("i"),
        List.of(DaemonHarness.KEY.getBytes(StandardCharsets.UTF_8)));
    try (SmtpClient client = new SmtpClient(daemon.smtpPort, 10_000)) {
      client.send("EHLO client.test");
      client.send("MAIL FROM:<sender@client.test>");
      client.send("RCPT TO:<" + codec.mint(new ReplyToken("i", 1, 1)) + ">");
      assertThat(client.send("DATA")).startsWith("354");
      client.write(LoadClient.body(1));
      Await.within(Duration.ofSeconds(10), () -> StoredFiles.count(root, MaildirLayout.TMP) != 0);
      assertThat(StoredFiles.count(root, MaildirLayout.TMP)).as("the partial file exists before the kill").isOne();

      // when
      daemon.kill9();
    }
    daemon = new DaemonProcess(config);

    // then
    assertThat(StoredFiles.messages(root, MaildirLayout.TMP)).as("tmp/ after restart").isEmpty();
  }
}
