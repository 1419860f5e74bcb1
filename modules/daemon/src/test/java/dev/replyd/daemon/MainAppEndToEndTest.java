package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import dev.replyd.testing.Await;
import dev.replyd.testing.DaemonProcess;
import dev.replyd.testing.LeakCheck;
import dev.replyd.testing.SmtpClient;
import com.standardwebhooks.Webhook;
import dev.replyd.testing.FakeRelay;
import dev.replyd.address.StandardWebhookSignature;
import dev.replyd.extract.TnefWriter;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the main app sees, end to end: the daemon as a process, mail sent to it over SMTP, and a real HTTP
 * receiver on loopback playing the main app.
 */
class MainAppEndToEndTest {
  @RegisterExtension final LeakCheck leaks = LeakCheck.threads("replyd-child-").listeningPorts();
  static final String KEY = "main-app end-to-end key 0123456789abcdef";
  static final String SECRET = "main-app-e2e-callback-secret";
  static final String DOMAIN = "reply.tracker.test";
  static final ReplyAddressCodec CODEC =
      new ReplyAddressCodec("reply", DOMAIN, List.of("i"), List.of(KEY.getBytes(StandardCharsets.UTF_8)));

  @TempDir Path dir;
  MainApp mainApp;

  /** One request the main app received: its headers (names in lowercase) and body. */
  record Received(Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      List<String> values = headers.get(name);
      return values == null ? null : values.get(0);
    }

    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(body);
    }
  }

  /** The main app: records every request and answers with the given status. */
  static final class MainApp implements AutoCloseable {
    final HttpServer server;
    final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    final AtomicInteger status = new AtomicInteger(200);

    MainApp() throws Exception {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
      server.createContext("/hooks/replyd", ex -> {
        try (ex; InputStream in = ex.getRequestBody()) {
          byte[] body = in.readAllBytes();
          Map<String, List<String>> headers = new TreeMap<>();
          ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
          received.add(new Received(headers, body));
          ex.sendResponseHeaders(status.get(), -1);
        }
      });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/replyd";
    }

    Received await(int count) throws InterruptedException {
      if (!Await.within(Duration.ofSeconds(60), () -> received.size() >= count)) {
        throw new AssertionError("the main app got " + received.size() + " request(s), expected " + count);
      }
      return received.stream().skip(count - 1).findFirst().orElseThrow();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @AfterEach
  void stopMainApp() {
    if (mainApp != null) {
      mainApp.close();
    }
  }

  /** A configuration for the daemon posting to {@link #mainApp}, with {@code extra} HOCON lines. */
  Path config(String extra) throws Exception {
    Path config = dir.resolve("replyd.conf");
    Files.writeString(config, "replyd {\n"
        + "  hostname = tracker.test\n"
        + "  address.keys = [\"" + KEY + "\"]\n"
        + "  smtp { bind = 127.0.0.1, port = 0 }\n"
        + "  metrics { bind = 127.0.0.1, port = 0 }\n"
        + "  storage { root = \"" + dir.resolve("var") + "\", min-free = 1MiB }\n"
        + "  callback { url = \"" + mainApp.url() + "\", secret = \"" + SECRET + "\" }\n"
        + "  processor.sender-checks.enabled = false\n"
        + extra
        + "}\n");
    return config;
  }

  /** Sends one message over SMTP and returns the reply to RCPT TO (the message is sent only if it was 250). */
  static String send(int port, String from, String to, String headers, String body) throws Exception {
    try (SmtpClient smtp = new SmtpClient(port)) {
      assertThat(smtp.send("EHLO mx.example.org")).startsWith("250");
      assertThat(smtp.send("MAIL FROM:<" + from + ">")).startsWith("250");
      String rcpt = smtp.send("RCPT TO:<" + to + ">");
      if (rcpt.startsWith("250")) {
        assertThat(smtp.send("DATA")).startsWith("354");
        assertThat(smtp.send("From: " + from + "\r\nTo: " + to + "\r\n" + headers + "\r\n" + body + "\r\n.")).startsWith("250");
      }
      smtp.send("QUIT");
      return rcpt;
    }
  }

  /** Waits (generously) until {@code count} messages are filed under {@code state}. */
  void awaitFiled(String state, long count) throws Exception {
    Await.within(Duration.ofSeconds(60), () -> filed(state) >= count);
    assertThat(filed(state)).as("messages filed under %s", state).isEqualTo(count);
  }

  long filed(String state) throws Exception {
    Path d = dir.resolve("var/incoming-mail").resolve(state);
    if (!Files.isDirectory(d)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(d)) {
      return files.filter(p -> !p.getFileName().toString().endsWith(".json")).count();
    }
  }

  @Test
  void mailToTheUnsubscribeAddressOfListUnsubscribeReachesTheMainAppAsAnUnsubscribe() throws Exception {
    mainApp = new MainApp();
    String unsubscribe = CODEC.mintUnsubscribe(new ReplyToken("i", 12, 5));
    try (DaemonProcess daemon = new DaemonProcess(config(""))) {
      String rcpt = send(daemon.smtpPort, "alice@example.org", unsubscribe,
          "Subject: unsubscribe\r\nMessage-ID: <unsub-1@mail.example.org>\r\n", "Please stop these mails.");

      assertThat(rcpt).startsWith("250");
      Received posted = mainApp.await(1);
      JsonNode json = posted.json();
      assertThat(json.get("type").asText()).isEqualTo("unsubscribe");
      assertThat(json.at("/address/kind").asText()).isEqualTo("i");
      assertThat(json.at("/address/thread").asLong()).isEqualTo(12);
      assertThat(json.at("/address/user").asLong()).isEqualTo(5);
      assertThat(json.at("/envelope/recipient").asText()).isEqualTo(unsubscribe);
      assertThat(json.at("/envelope/mail_from").asText()).isEqualTo("alice@example.org");
      assertThat(json.at("/envelope/client_ip").asText()).isEqualTo("127.0.0.1");
      assertThat(json.get("message_id").asText()).isEqualTo("<unsub-1@mail.example.org>");
      assertThat(json.get("reply").isNull()).isTrue();
      assertThat(new String(posted.body(), StandardCharsets.UTF_8)).doesNotContain("Please stop");
      assertThat(posted.header("replyd-signature")).startsWith("t=");
      daemon.awaitLog("matched ", Duration.ofSeconds(10));
      assertThat(daemon.log()).contains("(unsubscribe i thread 12 user 5)");
      awaitFiled("success", 1);
    }
  }

  @Test
  void replySignatureUnderTheUnsubscribePrefixIsRefusedAtRcpt() throws Exception {
    mainApp = new MainApp();
    String forged = CODEC.mint(new ReplyToken("i", 12, 5)).replace("reply+", "unsub+");
    try (DaemonProcess daemon = new DaemonProcess(config(""))) {
      String rcpt = send(daemon.smtpPort, "alice@example.org", forged, "Subject: unsubscribe\r\n", "");

      assertThat(rcpt).isEqualTo("550 5.1.1 <" + forged + ">: Recipient address rejected: invalid reply signature");
      assertThat(mainApp.received).isEmpty();
    }
  }

  @Test
  void standardWebhooksSignaturesVerifyWithTheReferenceLibraryUnderTheOldAndTheNewSecret() throws Exception {
    mainApp = new MainApp();
    String newSecret = StandardWebhookSignature.asWhsec("new standard-webhooks key 0123456789".getBytes(StandardCharsets.UTF_8));
    String oldSecret = "old-plain-secret-0123456789abcdef";
    String oldAsWhsec = StandardWebhookSignature.asWhsec(oldSecret.getBytes(StandardCharsets.UTF_8));
    try (DaemonProcess daemon = new DaemonProcess(config(
        "  callback { signature = standard-webhooks, secret = \"" + newSecret + "\", secrets = [\"" + oldSecret
            + "\"] }\n"))) {
      String to = CODEC.mint(new ReplyToken("i", 3, 5));
      send(daemon.smtpPort, "alice@example.org", to, "Subject: Re: Issue #3\r\n", "Works for me now.");

      Received posted = mainApp.await(1);
      String body = new String(posted.body(), StandardCharsets.UTF_8);
      assertThat(posted.header("webhook-id")).isEqualTo(posted.header("replyd-delivery")).isNotBlank();
      assertThat(Long.parseLong(posted.header("webhook-timestamp")))
          .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(600L));
      assertThat(posted.header("webhook-signature")).matches("v1,\\S+ v1,\\S+");
      assertThat(posted.header("replyd-signature")).isNull();
      for (String secret : List.of(newSecret, oldAsWhsec)) {
        org.assertj.core.api.Assertions.assertThatCode(() -> new Webhook(secret).verify(body, posted.headers()))
            .as("verified with %s", secret.equals(newSecret) ? "the new secret" : "the old secret")
            .doesNotThrowAnyException();
      }
      assertThat(posted.json().at("/reply/text").asText()).isEqualTo("Works for me now.");
      assertThat(posted.json().get("type").asText()).isEqualTo("reply");
    }
  }

  @Test
  void goneFromTheMainAppStopsRetriesAndFilesTheReplyAsRejectedWithTheReason() throws Exception {
    mainApp = new MainApp();
    mainApp.status.set(410);
    String secret = StandardWebhookSignature.asWhsec("gone test key 0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    try (DaemonProcess daemon = new DaemonProcess(config(
        "  callback { signature = standard-webhooks, secret = \"" + secret + "\" }\n"))) {
      send(daemon.smtpPort, "alice@example.org", CODEC.mint(new ReplyToken("i", 4, 5)), "Subject: Re: Issue #4\r\n",
          "Too late?");

      mainApp.await(1);
      daemon.awaitLog("callback_rejected (main app answered HTTP 410 Gone (the main app will not take this delivery;"
          + " not retried))", Duration.ofSeconds(30));
      awaitFiled("failure", 1);
      assertThat(filed("deferred")).isZero();
      assertThat(mainApp.received).hasSize(1);
    }
  }

  @Test
  void linksWrappedBySafeLinksAndUrlDefenseReachTheMainAppUnwrappedInTheReplyOnly() throws Exception {
    mainApp = new MainApp();
    String safeLink = "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fdocs.example.org%2Fguide"
        + "&data=05%7C02%7Calice%40example.org%7C7a1c0e6f%7C1%7C0&sdata=Zm9v&reserved=0";
    String urlDefense = "https://urldefense.com/v3/__https://example.org/search?q=a*b__;Kw!!ABC!def$";
    try (DaemonProcess daemon = new DaemonProcess(config(""))) {
      send(daemon.smtpPort, "alice@example.org", CODEC.mint(new ReplyToken("i", 6, 5)), "Subject: Re: Issue #6\r\n",
          "See " + safeLink + " and " + urlDefense + " please.");

      JsonNode json = mainApp.await(1).json();
      assertThat(json.at("/reply/text").asText())
          .isEqualTo("See https://docs.example.org/guide and https://example.org/search?q=a+b please.");
      assertThat(json.get("full_text").asText()).contains(safeLink, urlDefense);
    }
  }

  @Test
  void supportContactIsNamedInTheRefusalAtRcptAndInTheFailureNotice() throws Exception {
    mainApp = new MainApp();
    mainApp.status.set(403);
    try (FakeRelay relay = new FakeRelay(FakeRelay.Behaviour.open());
         DaemonProcess daemon = new DaemonProcess(config("  support = \"mailto:help@tracker.test\"\n"
             + "  outbound { host = 127.0.0.1, port = " + relay.port() + " }\n"
             + "  notices.enabled = true\n"))) {
      String forged = CODEC.mint(new ReplyToken("i", 7, 5)).replace("-7-", "-8-");

      String refused = send(daemon.smtpPort, "alice@example.org", forged, "Subject: Re: Issue #8\r\n", "");
      send(daemon.smtpPort, "alice@example.org", CODEC.mint(new ReplyToken("i", 7, 5)),
          "Subject: Re: Issue #7\r\nMessage-ID: <support-1@mail.example.org>\r\n", "Locked?");

      assertThat(refused).isEqualTo("550 5.1.1 <" + forged
          + ">: Recipient address rejected: invalid reply signature; help: mailto:help@tracker.test");
      assertThat(relay.awaitMessages(1, Duration.ofSeconds(60))).as(daemon.log()).isTrue();
      assertThat(relay.messages().get(0)).contains("For help, contact: mailto:help@tracker.test\n",
          "To: alice@example.org\n");
    }
  }

  @Test
  void attachmentsAndBodyInsideOutlooksWinmailDatReachTheMainAppAsOrdinaryOnes() throws Exception {
    mainApp = new MainApp();
    byte[] winmail = TnefWriter.message()
        .rtfBody("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\pard\\f0 These are the two files.\\par\n}")
        .attachment("meeting-notes.txt", "text/plain", "worker restarted\r\n".getBytes(StandardCharsets.US_ASCII))
        .attachment("report.pdf", "application/pdf", "%PDF-1.4\n%%EOF\n".getBytes(StandardCharsets.US_ASCII))
        .toBytes();
    String encoded = java.util.Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(winmail);
    try (DaemonProcess daemon = new DaemonProcess(config(""))) {
      send(daemon.smtpPort, "bob@example.org", CODEC.mint(new ReplyToken("i", 9, 5)),
          "Subject: Re: Issue #9\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n",
          "--b1\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\n"
              + "Content-Disposition: attachment; filename=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
              + encoded + "\r\n--b1--");

      JsonNode json = mainApp.await(1).json();
      assertThat(json.at("/reply/text").asText()).contains("These are the two files.");
      assertThat(json.get("attachments")).extracting(a -> a.get("name").asText())
          .containsExactly("meeting-notes.txt", "report.pdf");
      assertThat(json.get("attachments")).extracting(a -> a.get("content_type").asText() + " " + a.get("size").asLong())
          .containsExactly("text/plain 18", "application/pdf 15");
    }
  }
}
