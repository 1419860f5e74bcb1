package dev.replyd.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.address.ReplyToken;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import dev.replyd.testing.DaemonProcess;
import dev.replyd.testing.RecordingMainApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Load from Postfix's own test client, {@code smtp-source} (Debian package postfix, installed by
 * scripts/test): concurrent sessions, each message acknowledged, every one posted to the main app
 * once and filed as success. It cannot say which message got which reply, so the crash figures
 * come from {@link CrashRecoveryTest}'s own client; this one proves a real MTA's load is handled.
 *
 * <p>Short: 5 sessions, 300 messages. Soak: 20 sessions, 5,000 messages.
 */
class SmtpSourceLoadTest extends DaemonHarness {
  static final Path SMTP_SOURCE = Path.of("/usr/sbin/smtp-source");

  @Test
  void everyMessageFromSmtpSourceIsPostedOnceAndFiledAsSuccess() throws Exception {
    // given
    assertThat(SMTP_SOURCE).as("smtp-source (apt-get install postfix)").isExecutable();
    int sessions = Soak.size(5, 20);
    int messages = Soak.size(300, 5_000);
    Path root = storageRoot();
    // smtp-source opens a new connection per message from 127.0.0.1; the default per-IP limit (20)
    // counts connections the client has just closed, so 20 sessions would sometimes get 421 4.7.0.
    daemon = new DaemonProcess(DaemonHarness.writeConfig(dir, root, app,
        "processor.threads = 4\n  smtp { max-connections = 400, max-connections-per-ip = 200 }"));
    String rcpt = DaemonHarness.codec().mint(new ReplyToken("i", 77, 5));

    // when
    long t0 = System.nanoTime();
    Process source = new ProcessBuilder(SMTP_SOURCE.toString(), "-s", String.valueOf(sessions), "-m", String.valueOf(messages),
        "-l", "2048", "-f", "sender@client.test", "-t", rcpt, "-M", "client.test", "127.0.0.1:" + daemon.smtpPort)
        .redirectErrorStream(true).redirectOutput(dir.resolve("smtp-source.out").toFile()).start();
    boolean done = source.waitFor(Soak.ON ? 20 : 3, TimeUnit.MINUTES);
    long sendMs = (System.nanoTime() - t0) / 1_000_000;
    String output = Files.readString(dir.resolve("smtp-source.out"), StandardCharsets.UTF_8);
    // Processing, not SMTP, sets the pace: about 10 messages a second with 4 workers on two busy cores.
    if (done && source.exitValue() == 0) {
      Await.within(Duration.ofMinutes(Soak.ON ? 30 : 2), () -> StoredFiles.count(root, MaildirLayout.SUCCESS) >= messages);
    }

    // then
    long deliveries = app.accepted().stream().map(RecordingMainApp.Request::deliveryId).distinct().count();
    Soak.report("smtp-source", "sessions=" + sessions + " sent=" + messages + " in " + sendMs + " ms, exit="
        + (done ? source.exitValue() : "(timeout)") + " delivered=" + deliveries + " duplicate-posts="
        + (app.accepted().size() - deliveries) + " files: " + StoredFiles.summary(root) + (output.isBlank() ? "" : "; output: " + output.trim()));
    assertThat(done).as("smtp-source finished").isTrue();
    assertThat(source.exitValue()).as("smtp-source exit status; output: %s", output).isZero();
    assertThat(output).as("smtp-source output (it reports every refused reply)").isBlank();
    assertThat(deliveries).isEqualTo(messages);
    assertThat(StoredFiles.count(root, MaildirLayout.SUCCESS)).isEqualTo(messages);
    assertThat(StoredFiles.count(root, MaildirLayout.FAILURE)).isZero();
    assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
  }
}
