package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.replyd.outbound.FakeRelay;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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

  final HttpServer mainApp;
  final AtomicInteger mainAppStatus = new AtomicInteger(403);
  final List<String> received = new CopyOnWriteArrayList<>();
  final FakeRelay relay;
  final DaemonProcess daemon;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  ConsoleDaemon(Path dir) throws Exception {
    this(dir, "");
  }

  /** With {@code extraConfig} (HOCON lines inside {@code replyd { }}) added. */
  ConsoleDaemon(Path dir, String extraConfig) throws Exception {
    mainApp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
    mainApp.createContext("/hooks/replyd", ex -> {
      try (ex; InputStream in = ex.getRequestBody()) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        int status = mainAppStatus.get();
        if (status / 100 == 2) {
          received.add(body);
        }
        byte[] answer = (status / 100 == 2 ? "{\"ok\":true}" : "{\"error\":\"thread is locked\"}").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, answer.length);
        ex.getResponseBody().write(answer);
      }
    });
    mainApp.start();
    relay = new FakeRelay(new FakeRelay.Behaviour(RELAY_USER, RELAY_PASSWORD, false, false, null, true));
    Path token = dir.resolve("console-token");
    Files.writeString(token, TOKEN + "\n");
    Path config = dir.resolve("replyd.conf");
    Files.writeString(config, "replyd {\n"
        + "  hostname = tracker.test\n"
        + "  address.keys = [\"" + KEY + "\"]\n"
        + "  smtp { bind = 127.0.0.1, port = 0 }\n"
        + "  metrics { bind = 127.0.0.1, port = 0 }\n"
        + "  storage { root = \"" + dir.resolve("var") + "\", min-free = 1MiB }\n"
        + "  callback { url = \"http://127.0.0.1:" + mainApp.getAddress().getPort() + "/hooks/replyd?key=hidden\", secret = \""
        + SECRET + "\" }\n"
        + "  processor.sender-checks.enabled = false\n"
        + "  outbound { host = 127.0.0.1, port = " + relay.port() + ", auth = plain, username = " + RELAY_USER
        + ", password = \"" + RELAY_PASSWORD + "\" }\n"
        + "  diagnostics { dns-servers = [\"127.0.0.1:9\"], timeout = 2s }\n"
        + "  console { enabled = true, token-file = \"" + token + "\" }\n"
        + extraConfig
        + "}\n");
    daemon = new DaemonProcess(config);
  }

  String base() {
    return "http://127.0.0.1:" + daemon.metricsPort;
  }

  /** A reply over SMTP to a signed address of {@code thread}. */
  void deliver(String from, long thread, String subject, String extraHeaders, String body) throws Exception {
    String to = DaemonSignalsTest.address(KEY, thread);
    try (SmtpSession smtp = new SmtpSession(daemon.smtpPort)) {
      assertThat(smtp.send("EHLO mx.example.org")).startsWith("250");
      assertThat(smtp.send("MAIL FROM:<" + from + ">")).startsWith("250");
      assertThat(smtp.send("RCPT TO:<" + to + ">")).startsWith("250");
      assertThat(smtp.send("DATA")).startsWith("354");
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
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      if (condition.get()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not within " + deadline + ": " + what + "\ndaemon log:\n" + daemon.log());
  }

  @Override
  public void close() throws Exception {
    try {
      daemon.close();
    } finally {
      relay.close();
      mainApp.stop(0);
    }
  }
}
