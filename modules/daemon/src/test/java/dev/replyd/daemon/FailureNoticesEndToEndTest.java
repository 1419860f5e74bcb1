package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.FakeRelay;
import dev.replyd.testing.DaemonConfig;
import dev.replyd.testing.DaemonProcess;
import dev.replyd.testing.LeakCheck;
import dev.replyd.testing.RecordingMainApp;
import dev.replyd.testing.SmtpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure notice end to end, as a sender lives it: a reply comes in over SMTP, the main app refuses it
 * with 403, replyd files it as failure and the sender's address gets one notice through the outbound relay;
 * a second refused reply within the hour gets none, and an automatic reply never does. The notices keep
 * their settings until a restart, which a reload says. A UTF-8 sender (SMTPUTF8) gets the notice through a
 * relay that offers SMTPUTF8, and none, with the reason logged, through one that does not.
 */
class FailureNoticesEndToEndTest {
  @RegisterExtension final LeakCheck leaks = LeakCheck.threads("replyd-child-").listeningPorts();
  static final String KEY = "notices end-to-end key 0123456789abcdef";
  static final String SECRET = "notices-e2e-callback-secret";

  @TempDir Path dir;

  @Test
  void replyRefusedByTheMainAppIsFiledAndItsSenderGetsOneNoticeThroughTheRelay() throws Exception {
    RecordingMainApp mainApp = refusingMainApp();
    try (FakeRelay relay = new FakeRelay(FakeRelay.Behaviour.open())) {
      Path config = DaemonConfig.write(dir, KEY, dir.resolve("var"), mainApp.url(), SECRET,
          "  processor.sender-checks.enabled = false\n"
          + "  outbound { host = 127.0.0.1, port = " + relay.port() + " }\n"
          + "  notices.enabled = true\n");
      try (DaemonProcess daemon = new DaemonProcess(config)) {
        String to = DaemonSignalsTest.address(KEY, 4);

        deliver(daemon.smtpPort, "alice@example.org", to, "<first@mail.example.org>", "Re: Issue #4", "");

        assertThat(relay.awaitMessages(1, Duration.ofSeconds(30))).as(daemon.log()).isTrue();
        daemon.awaitLog("notice sent to alice@example.org (callback_rejected)", Duration.ofSeconds(10));
        assertThat(relay.commands()).containsSubsequence("MAIL FROM:<>", "RCPT TO:<alice@example.org>", "DATA");
        assertThat(relay.messages().get(0).replace("\n ", " ")).contains("From: noreply@tracker.test\n",
            "To: alice@example.org\n", "Subject: Your reply could not be posted: Re: Issue #4\n",
            "Auto-Submitted: auto-replied\n", "In-Reply-To: <first@mail.example.org>\n", "The tracker refused it")
            .doesNotContain("thread is locked", "I agree with the plan");
        try (var files = Files.list(dir.resolve("var/incoming-mail/failure"))) {
          assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".reason.json"));
        }

        deliver(daemon.smtpPort, "Alice@example.org", to, "<second@mail.example.org>", "Re: Issue #4", "");
        daemon.awaitLog("notice not sent: rate limited: Alice@example.org already got a notice",
            Duration.ofSeconds(30));
        deliver(daemon.smtpPort, "bob@example.org", to, "<away@mail.example.org>", "Out of office",
            "Auto-Submitted: auto-replied\r\n");
        daemon.awaitLog("notice not sent: auto_reply is never answered", Duration.ofSeconds(30));

        // Each outcome is counted just after its log line.
        daemon.awaitMetrics(Duration.ofSeconds(30), "replyd_notices_total{outcome=\"sent\"} 1.0",
            "replyd_notices_total{outcome=\"rate_limited\"} 1.0", "replyd_notices_total{outcome=\"skipped\"} 1.0",
            "replyd_notices_total{outcome=\"failed\"} 0.0", "replyd_notices_total{outcome=\"dropped\"} 0.0");
        assertThat(relay.messages()).hasSize(1);

        Files.writeString(config, Files.readString(config).replace("notices.enabled = true",
            "notices { enabled = true, max-per-hour = 5 }"));
        daemon.signal("HUP");
        daemon.awaitLog("needs a restart: notices", Duration.ofSeconds(30));
      }
    } finally {
      mainApp.close();
    }
  }

  @Test
  void utf8SenderGetsTheNoticeOnlyThroughARelayThatOffersSmtpUtf8() throws Exception {
    RecordingMainApp mainApp = refusingMainApp();
    try (FakeRelay utf8Relay = new FakeRelay(FakeRelay.Behaviour.open().withSmtpUtf8());
         FakeRelay asciiRelay = new FakeRelay(FakeRelay.Behaviour.open())) {
      for (FakeRelay relay : new FakeRelay[] {utf8Relay, asciiRelay}) {
        Path config = DaemonConfig.write(dir, KEY, dir.resolve("var-" + relay.port()), mainApp.url(), SECRET,
            "  processor.sender-checks.enabled = false\n"
            + "  outbound { host = 127.0.0.1, port = " + relay.port() + " }\n"
            + "  notices.enabled = true\n");
        try (DaemonProcess daemon = new DaemonProcess(config)) {
          deliverUtf8(daemon.smtpPort, "josé@correo.example", DaemonSignalsTest.address(KEY, 4));

          if (relay == utf8Relay) {
            assertThat(relay.awaitMessages(1, Duration.ofSeconds(30))).as(daemon.log()).isTrue();
            daemon.awaitLog("notice sent to josé@correo.example (callback_rejected)", Duration.ofSeconds(10));
            assertThat(relay.commands()).containsSubsequence("MAIL FROM:<> SMTPUTF8", "RCPT TO:<josé@correo.example>",
                "DATA");
            assertThat(relay.messages().get(0)).contains("To: josé@correo.example\n",
                "Content-Type: text/plain; charset=UTF-8");
          } else {
            daemon.awaitLog("notice not sent: relay 127.0.0.1:" + relay.port() + " does not offer SMTPUTF8, needed"
                + " for josé@correo.example", Duration.ofSeconds(30));
            daemon.awaitMetrics(Duration.ofSeconds(30), "replyd_notices_total{outcome=\"skipped\"} 1.0",
                "replyd_notices_total{outcome=\"sent\"} 0.0");
            assertThat(relay.mailParameters()).isEmpty();
          }
        }
      }
    } finally {
      mainApp.close();
    }
  }

  private static RecordingMainApp refusingMainApp() throws java.io.IOException {
    return RecordingMainApp.start(SECRET.getBytes(StandardCharsets.UTF_8))
        .answerAlways(new RecordingMainApp.Response(403, Map.of(), "{\"error\":\"thread is locked\"}"));
  }

  /** A reply from a UTF-8 sender with SMTPUTF8 (SmtpClient writes bytes as ISO-8859-1 chars: UTF-8 goes as is). */
  private static void deliverUtf8(int port, String from, String to) throws Exception {
    try (SmtpClient smtp = new SmtpClient(port)) {
      assertThat(smtp.send("EHLO mx.example.org")).startsWith("250");
      assertThat(smtp.send(wire("MAIL FROM:<" + from + "> SMTPUTF8"))).startsWith("250");
      assertThat(smtp.send("RCPT TO:<" + to + ">")).startsWith("250");
      assertThat(smtp.send("DATA")).startsWith("354");
      assertThat(smtp.send(wire("From: José <" + from + ">\r\nTo: " + to + "\r\nSubject: Re: Issue #4\r\n"
          + "Message-ID: <utf8@correo.example>\r\n\r\nEstoy de acuerdo.\r\n."))).startsWith("250");
      smtp.send("QUIT");
    }
  }

  private static String wire(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  private static void deliver(int port, String from, String to, String messageId, String subject, String extra)
      throws Exception {
    try (SmtpClient smtp = new SmtpClient(port)) {
      assertThat(smtp.send("EHLO mx.example.org")).startsWith("250");
      smtp.beginData(from, to);
      String reply = smtp.send("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: "
          + messageId + "\r\n" + extra + "\r\nI agree with the plan.\r\n.");
      assertThat(reply).startsWith("250");
      smtp.send("QUIT");
    }
  }
}
