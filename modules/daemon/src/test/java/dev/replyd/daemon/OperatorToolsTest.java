package dev.replyd.daemon;

import static dev.replyd.daemon.CommandLineRun.replyd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.DaemonProcess;
import dev.replyd.testing.RecordingMainApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * diagnose, test-email and support-bundle through the command line, against a running daemon and
 * a real main app: what an operator sees when replies stop arriving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorToolsTest {
  static final String KEY = "operator tools key 0123456789abcdef0123";
  static final String SECRET = "operator-tools-callback-secret";
  static final String PASSWORD = "outbound-relay-password-xyz";

  @TempDir static Path dir;
  RecordingMainApp receiver;
  DaemonProcess daemon;
  Path config;

  @BeforeAll
  void start() throws Exception {
    receiver = RecordingMainApp.start(SECRET.getBytes(StandardCharsets.UTF_8));
    Path first = dir.resolve("first.conf");
    Files.writeString(first, conf(0));
    daemon = new DaemonProcess(first);
    config = dir.resolve("replyd.conf");
    Files.writeString(config, conf(daemon.smtpPort).replace("metrics { bind = 127.0.0.1, port = 0 }",
        "metrics { bind = 127.0.0.1, port = " + daemon.metricsPort + " }"));
  }

  String conf(int smtpPort) {
    return "replyd {\n"
        + "  hostname = tracker.test\n"
        + "  address.keys = [\"" + KEY + "\"]\n"
        + "  smtp { bind = 127.0.0.1, port = " + smtpPort + " }\n"
        + "  metrics { bind = 127.0.0.1, port = 0 }\n"
        + "  storage { root = \"" + dir.resolve("var") + "\", min-free = 1MiB }\n"
        + "  callback { url = \"" + receiver.url() + "\", secret = \"" + SECRET + "\" }\n"
        + "  outbound { host = 127.0.0.1, port = " + smtpPort + ", username = ops, password = \"" + PASSWORD + "\" }\n"
        + "  diagnostics { dns-servers = [\"127.0.0.1:9\"], timeout = 2s }\n"
        + "  processor.sender-checks.enabled = false\n"
        + "}\n";
  }

  @AfterAll
  void stop() throws Exception {
    daemon.close();
    receiver.close();
  }

  @Test
  void diagnosePassesWhatWorksAndFailsDnsWithItsFix() {
    CommandLineRun r = replyd("diagnose", "--config", config.toString());

    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    assertThat(r.out()).contains("PASS  config").contains("PASS  smtp banner").contains("PASS  storage writable")
        .contains("PASS  callback ping").containsPattern("FAIL  dns reply address[^\\n]*\\n\\s+fix: ")
        .doesNotContain(SECRET).doesNotContain(KEY);
    assertThat(receiver.requests()).anyMatch(request -> request.bodyText().contains("\"type\":\"ping\""));
  }

  @Test
  void testEmailThroughReplydItselfShowsTheConversationAndIsFiledAsAutomatic() throws Exception {
    String address = replyd("address", "mint", "--config", config.toString(), "--kind", "i", "--thread", "4", "--user", "2").out().strip();

    CommandLineRun r = replyd("test-email", "--config", config.toString(), "--to", address);

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("-> MAIL FROM:<noreply@tracker.test>").contains("<- 250 2.0.0 Ok: queued as ");
    daemon.awaitLog("auto_reply", Duration.ofSeconds(30));
  }

  @Test
  void testEmailToARefusedAddressExplainsWhy() {
    CommandLineRun r = replyd("test-email", "--config", config.toString(), "--to", "someone@example.org");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("<- 550 5.7.1");
    assertThat(r.err()).startsWith("replyd: test email not sent: ");
  }

  @Test
  void supportBundleHoldsNoSecret() throws Exception {
    String all = CommandLineRun.supportBundle(config, dir);

    assertThat(all).contains("diagnose").contains("replyd_").doesNotContain(SECRET).doesNotContain(KEY).doesNotContain(PASSWORD);
  }
}
