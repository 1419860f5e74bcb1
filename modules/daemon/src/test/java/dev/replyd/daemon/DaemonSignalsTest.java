package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import dev.replyd.testing.Await;
import dev.replyd.testing.DaemonProcess;
import dev.replyd.testing.LeakCheck;
import dev.replyd.testing.RecordingMainApp;
import dev.replyd.testing.SmtpClient;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as systemd drives it: a real {@code replyd run} process, a real main app (JDK HTTP
 * server), raw SMTP sessions, and POSIX signals.
 */
class DaemonSignalsTest {
  @RegisterExtension final LeakCheck leaks = LeakCheck.threads("replyd-child-").listeningPorts();
  static final String KEY_A = "daemon test key A 0123456789abcdef0123";
  static final String KEY_B = "daemon test key B 0123456789abcdef0123";
  static final String SECRET = "daemon-test-callback-secret";
  static final String DOMAIN = "reply.tracker.test";
  static final Pattern FIVE_XX_THREE_OR_MORE =
      Pattern.compile("replyd_callback_requests_total\\{status_class=\"5xx\"\\} ([3-9]|[1-9][0-9]+)\\.0");

  @TempDir Path dir;
  RecordingMainApp receiver;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = RecordingMainApp.start(SECRET.getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  Path config(List<String> keys, String tls) throws IOException {
    Path f = dir.resolve("replyd.conf");
    String conf = "replyd {\n"
        + "  hostname = tracker.test\n"
        + "  address.keys = [" + String.join(", ", keys.stream().map(k -> "\"" + k + "\"").toList()) + "]\n"
        + "  smtp { bind = 127.0.0.1, port = 0" + tls + " }\n"
        + "  metrics { bind = 127.0.0.1, port = 0 }\n"
        + "  storage { root = \"" + dir.resolve("var") + "\", min-free = 1MiB }\n"
        + "  processor { threads = 1, sender-checks.enabled = false }\n"
        + "  callback { url = \"" + receiver.url() + "\", secret = \"" + SECRET + "\" }\n"
        + "  shutdown.grace = 20s\n"
        + "}\n";
    Path tmp = dir.resolve("replyd.conf.new");
    Files.writeString(tmp, conf);
    // Replace atomically: the daemon may re-read the file at any moment.
    return Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static String address(String key, long thread) {
    return new ReplyAddressCodec("reply", DOMAIN, List.of("i"), List.of(key.getBytes(StandardCharsets.UTF_8)))
        .mint(new ReplyToken("i", thread, 5));
  }

  long files(String relative) throws IOException {
    Path d = dir.resolve("var").resolve(relative);
    if (!Files.isDirectory(d)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.count();
    }
  }

  @Test
  void sigtermLetsTheTransactionInFlightFinishThenExitsZero() throws Exception {
    try (DaemonProcess daemon = new DaemonProcess(config(List.of(KEY_A), ""));
         SmtpClient client = new SmtpClient(daemon.smtpPort)) {
      assertThat(client.send("EHLO client.test")).startsWith("250");
      assertThat(client.send("MAIL FROM:<alice@example.org>")).startsWith("250");
      assertThat(client.send("RCPT TO:<" + address(KEY_A, 7) + ">")).startsWith("250");
      assertThat(client.send("DATA")).startsWith("354");
      client.write("From: Alice <alice@example.org>\r\nSubject: Re: issue 7\r\n\r\nFirst half of the reply,\r\n");

      daemon.signal("TERM");
      daemon.awaitLog("stopping: no new mail accepted", Duration.ofSeconds(10));

      boolean refused;
      try (SmtpClient late = new SmtpClient(daemon.smtpPort)) {
        refused = late.greeting == null || late.greeting.startsWith("421");
      } catch (ConnectException e) {
        refused = true;
      }
      assertThat(refused).as("a connection opened while stopping is refused or gets 421").isTrue();

      client.write("and the second half.\r\n");
      assertThat(client.send(".")).startsWith("250 2.0.0");
      client.send("QUIT");

      assertThat(daemon.awaitExit(Duration.ofSeconds(30))).as("exit status; log:\n%s", daemon.log()).isZero();
    }
    assertThat(files("mail/reply/tmp")).isZero();
    assertThat(files("mail/reply/new") + files("incoming-mail/success")).isEqualTo(1);
  }

  @Test
  void sighupRotatesAddressKeysWithoutDroppingTheSession() throws Exception {
    Path conf = config(List.of(KEY_A), "");
    try (DaemonProcess daemon = new DaemonProcess(conf);
         SmtpClient client = new SmtpClient(daemon.smtpPort)) {
      client.send("EHLO client.test");
      client.send("MAIL FROM:<alice@example.org>");
      assertThat(client.send("RCPT TO:<" + address(KEY_B, 1) + ">")).startsWith("550 5.1.1");

      config(List.of(KEY_B, KEY_A), "");
      daemon.signal("HUP");
      daemon.awaitLog("reloaded", Duration.ofSeconds(10));

      assertThat(client.send("RCPT TO:<" + address(KEY_B, 1) + ">")).startsWith("250");
      assertThat(client.send("RCPT TO:<" + address(KEY_A, 2) + ">")).as("old key still verifies").startsWith("250");
      assertThat(daemon.awaitLog("reloaded", Duration.ofSeconds(1))).contains("address.keys (2 key(s))")
          .doesNotContain(KEY_A).doesNotContain(KEY_B);
      assertThat(client.send("QUIT")).startsWith("221");
    }
  }

  @Test
  void sighupWithABrokenConfigKeepsTheRunningOne() throws Exception {
    Path conf = config(List.of(KEY_A), "");
    try (DaemonProcess daemon = new DaemonProcess(conf)) {
      Files.writeString(conf, "replyd { hostname = \"\" }");
      daemon.signal("HUP");

      assertThat(daemon.awaitLog("reload refused", Duration.ofSeconds(10))).contains("replyd.hostname: is not set");
      try (SmtpClient client = new SmtpClient(daemon.smtpPort)) {
        client.send("EHLO client.test");
        client.send("MAIL FROM:<alice@example.org>");
        assertThat(client.send("RCPT TO:<" + address(KEY_A, 1) + ">")).startsWith("250");
      }
    }
  }

  @Test
  void sighupReloadsTheTlsCertificate() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    selfSigned("first.tracker.test", cert, key);
    String tls = ", tls { cert = \"" + cert + "\", key = \"" + key + "\" }";
    try (DaemonProcess daemon = new DaemonProcess(config(List.of(KEY_A), tls))) {
      String before;
      try (SmtpClient client = new SmtpClient(daemon.smtpPort)) {
        client.send("EHLO client.test");
        before = client.startTls().getSubjectX500Principal().getName();
      }

      selfSigned("second.tracker.test", cert, key);
      daemon.signal("HUP");
      daemon.awaitLog("reloaded", Duration.ofSeconds(10));

      String after;
      try (SmtpClient client = new SmtpClient(daemon.smtpPort)) {
        client.send("EHLO client.test");
        after = client.startTls().getSubjectX500Principal().getName();
        assertThat(client.send("EHLO client.test")).startsWith("250");
      }
      assertThat(before).isEqualTo("CN=first.tracker.test");
      assertThat(after).isEqualTo("CN=second.tracker.test");
    }
  }

  @Test
  void aReplyTravelsFromSmtpToTheMainAppAndIsFiledAsSuccess() throws Exception {
    try (DaemonProcess daemon = new DaemonProcess(config(List.of(KEY_A), ""));
         SmtpClient client = new SmtpClient(daemon.smtpPort)) {
      client.send("EHLO client.test");
      client.beginData("alice@example.org", address(KEY_A, 9));
      client.write("From: Alice <alice@example.org>\r\nSubject: Re: issue 9\r\nMessage-ID: <m9@example.org>\r\n\r\n"
          + "Works for me now.\r\n\r\nOn Mon, 1 Jan 2026, Tracker <notifications@tracker.test> wrote:\r\n> old text\r\n");
      assertThat(client.send(".")).startsWith("250 2.0.0");

      // Counted after the move, and the backlog gauge may still show a listing from before it.
      String metrics = daemon.awaitMetrics(Duration.ofSeconds(30),
          "replyd_processed_total{outcome=\"success\",reason=\"none\"} 1.0", "replyd_maildir_backlog_files 0.0");
      assertThat(receiver.accepted()).hasSize(1);
      assertThat(files("incoming-mail/success")).isEqualTo(1);
      assertThat(daemon.log()).contains("processing <m9@example.org>").doesNotContain(SECRET).doesNotContain(KEY_A);

      assertThat(metrics)
          .contains("replyd_callback_requests_total{status_class=\"2xx\"} 1.0")
          .contains("replyd_smtp_transactions_total{outcome=\"delivered\"} 1.0")
          .contains("replyd_smtp_recipients_total{outcome=\"accepted\",reason=\"none\"} 1.0")
          .contains("replyd_smtp_connections_total{result=\"accepted\"} 1.0")
          .containsPattern("replyd_storage_free_bytes [0-9.E]+")
          .contains("jvm_memory_used_bytes");
      assertThat(get(daemon.metricsPort, "/readyz")).isEqualTo("{\"status\":\"ready\",\"failing\":{}}\n");
    }
  }

  @Test
  void readinessNamesTheCallbackWhileTheMainAppFails() throws Exception {
    receiver.answerAlways(RecordingMainApp.Response.of(503));
    Path conf = config(List.of(KEY_A), "");
    // Short backoff, so three attempts come within seconds: readiness needs three in a row.
    Files.writeString(conf, "replyd.callback { retry-base-delay = 1s, retry-max-delay = 30s, max-age = 10m }\n",
        StandardOpenOption.APPEND);
    try (DaemonProcess daemon = new DaemonProcess(conf);
         SmtpClient client = new SmtpClient(daemon.smtpPort)) {
      client.send("EHLO client.test");
      client.beginData("alice@example.org", address(KEY_A, 3));
      client.write("From: alice@example.org\r\nSubject: hi\r\n\r\nA reply.\r\n");
      assertThat(client.send(".")).startsWith("250");

      daemon.awaitLog("retry 4 due", Duration.ofSeconds(30));
      String ready = get(daemon.metricsPort, "/readyz");
      assertThat(ready).startsWith("{\"status\":\"not ready\",\"failing\":{\"callback\":\"callback failing since ");
      // The next attempt may come at once (the backoff is random from zero), and while it runs the
      // message is claimed, not pending: the gauge is awaited, not read at one instant.
      daemon.awaitMetrics("one pending retry and three or more 5xx answers in /metrics", Duration.ofSeconds(30),
          scrape -> scrape.contains("replyd_callback_pending_retries 1.0") && FIVE_XX_THREE_OR_MORE.matcher(scrape).find(),
          scrape -> "callback lines of the last scrape:\n" + scrape.lines()
              .filter(line -> line.startsWith("replyd_callback_")).collect(Collectors.joining("\n")));
    }
  }

  @Test
  void theCallbackUrlIsLoggedWithoutItsQueryValues() throws Exception {
    Path conf = config(List.of(KEY_A), "");
    Files.writeString(conf, Files.readString(conf).replace("/hooks/replyd\"", "/hooks/replyd?token=T0KEN-in-the-url\""));
    try (DaemonProcess daemon = new DaemonProcess(conf)) {
      String serving = daemon.awaitLog("serving: smtp", Duration.ofSeconds(30));

      assertThat(serving).contains("/hooks/replyd?token=<redacted>");
      assertThat(daemon.awaitLog("starting processor", Duration.ofSeconds(30))).contains("?token=<redacted>");
      assertThat(daemon.log()).doesNotContain("T0KEN-in-the-url");
    }
  }

  @Test
  void sigtermReportsDrainingThenRefusesNewConnectionsAndFinishesTheTransaction() throws Exception {
    try (DaemonProcess daemon = new DaemonProcess(config(List.of(KEY_A), ""));
         SmtpClient client = new SmtpClient(daemon.smtpPort)) {
      client.send("EHLO client.test");
      client.send("MAIL FROM:<alice@example.org>");
      client.send("RCPT TO:<" + address(KEY_A, 8) + ">");
      assertThat(client.send("DATA")).startsWith("354");
      client.write("From: alice@example.org\r\nSubject: Re: issue 8\r\n\r\nA reply in flight,\r\n");

      daemon.signal("TERM");
      daemon.awaitLog("stopping: no new mail accepted", Duration.ofSeconds(30));

      // the open transaction keeps the node stopping, so these are seen mid-drain
      assertThat(get(daemon.metricsPort, "/readyz")).isEqualTo("{\"status\":\"not ready\",\"failing\":{\"smtp\":\"draining\"}}\n");
      // the listening socket is closed while the transaction is open: the kernel refuses, a
      // balancer retries elsewhere
      Await.until("connections refused while the transaction in flight is open", Duration.ofSeconds(30),
          () -> SmtpClient.refused(daemon.smtpPort));
      client.write("finished after SIGTERM.\r\n");
      assertThat(client.send(".")).startsWith("250 2.0.0");
      client.send("QUIT");

      assertThat(daemon.awaitExit(Duration.ofSeconds(60))).as("exit status; log:\n%s", daemon.log()).isZero();
    }
    assertThat(files("mail/reply/new") + files("incoming-mail/success")).isEqualTo(1);
  }

  static String get(int port, String path) throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  static void selfSigned(String cn, Path cert, Path key) throws Exception {
    Path dirOf = cert.getParent();
    Path newCert = dirOf.resolve("new-cert.pem");
    Path newKey = dirOf.resolve("new-key.pem");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", newKey.toString(), "-out", newCert.toString(), "-days", "2", "-subj", "/CN=" + cn)
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("openssl: %s", output).isZero();
    Files.move(newKey, key, StandardCopyOption.REPLACE_EXISTING);
    Files.move(newCert, cert, StandardCopyOption.REPLACE_EXISTING);
  }
}
