package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.Await;
import dev.replyd.testing.DaemonConfig;
import dev.replyd.testing.DaemonProcess;
import dev.replyd.testing.FakeRelay;
import dev.replyd.testing.RecordingMainApp;
import dev.replyd.testing.SmtpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A real replyd process with the console on, its main app (a real local HTTP receiver whose answer
 * the test sets) and an outbound relay that wants AUTH PLAIN, for the console's API and browser tests.
 * Close it.
 */
final class ConsoleDaemon implements AutoCloseable {
  static final String KEY = "console end-to-end key 0123456789abcdef";
  static final String SECRET = "console-e2e-callback-secret";
  static final String TOKEN = "console-e2e-token-0123456789abcdef";
  static final String RELAY_USER = "replyd";
  static final String RELAY_PASSWORD = "relay-password-s3cret";

  /** Refuses every reply with 403 until {@link #mainAppAccepts()}. */
  final RecordingMainApp mainApp;
  final FakeRelay relay;
  final DaemonProcess daemon;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  ConsoleDaemon(Path dir) throws Exception {
    this(dir, "");
  }

  /** With {@code extraConfig} (HOCON lines inside {@code replyd { }}) added. */
  ConsoleDaemon(Path dir, String extraConfig) throws Exception {
    mainApp = RecordingMainApp.start(SECRET.getBytes(StandardCharsets.UTF_8))
        .answerAlways(new RecordingMainApp.Response(403, Map.of(), "{\"error\":\"thread is locked\"}"));
    relay = new FakeRelay(FakeRelay.Behaviour.authenticating(RELAY_USER, RELAY_PASSWORD));
    Path token = dir.resolve("console-token");
    Files.writeString(token, TOKEN + "\n");
    Path config = DaemonConfig.write(dir, KEY, dir.resolve("var"), URI.create(mainApp.url() + "?key=hidden"), SECRET,
        "  processor.sender-checks.enabled = false\n"
        + "  outbound { host = 127.0.0.1, port = " + relay.port() + ", auth = plain, username = " + RELAY_USER
        + ", password = \"" + RELAY_PASSWORD + "\" }\n"
        + "  diagnostics { dns-servers = [\"127.0.0.1:9\"], timeout = 2s }\n"
        + "  console { enabled = true, token-file = \"" + token + "\" }\n"
        + extraConfig);
    daemon = new DaemonProcess(config);
  }

  String base() {
    return "http://127.0.0.1:" + daemon.metricsPort;
  }

  /** A reply over SMTP to a signed address of {@code thread}. */
  void deliver(String from, long thread, String subject, String extraHeaders, String body) throws Exception {
    String to = DaemonSignalsTest.address(KEY, thread);
    try (SmtpClient smtp = new SmtpClient(daemon.smtpPort)) {
      assertThat(smtp.send("EHLO mx.example.org")).startsWith("250");
      smtp.beginData(from, to);
      assertThat(smtp.send("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <thread-"
          + thread + "@mail.example.org>\r\n" + extraHeaders + "\r\n" + body + "\r\n.")).startsWith("250");
      smtp.send("QUIT");
    }
  }

  HttpResponse<String> api(String method, String path, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(120))
        .header("Authorization", "Bearer " + TOKEN);
    b = json == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Polls until {@code condition} holds, failing with {@code what} and the daemon's log after {@code deadline}. */
  void await(String what, Duration deadline, Supplier<Boolean> condition) throws InterruptedException {
    Await.until(what, deadline, condition::get, () -> "daemon log:\n" + daemon.log());
  }

  /** From now on the main app takes every reply (200). */
  void mainAppAccepts() {
    mainApp.answerAlways(new RecordingMainApp.Response(200, Map.of(), "{\"ok\":true}"));
  }

  /** The bodies of the replies the main app took. */
  List<String> received() {
    return mainApp.accepted().stream().map(RecordingMainApp.Request::bodyText).toList();
  }

  @Override
  public void close() throws Exception {
    try {
      daemon.close();
    } finally {
      relay.close();
      mainApp.close();
    }
  }
}
