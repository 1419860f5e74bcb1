package dev.replyd.faults;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

/**
 * The daemon end to end (SMTP, Maildir, processor, signed callback) with what real senders send
 * today: an SMTPUTF8 sender with UTF-8 header fields, a BDAT message in chunks with bare line feeds
 * (as Exchange Online sends them), and one reply address repeated in a transaction. Each reply is
 * posted once, with its sender, subject and text as Unicode.
 */
class InternationalMailEndToEndTest extends DaemonHarness {

  @Test
  void utf8SenderChunkedMessageAndRepeatedRecipientAreEachPostedOnceWithUnicodeIntact() throws Exception {
    // given
    Path root = storageRoot();
    daemon = new DaemonProcess(DaemonHarness.writeConfig(dir, root, app, ""));
    String utf8Reply = DaemonHarness.codec().mint(new ReplyToken("i", 701, 1));
    String chunkedReply = DaemonHarness.codec().mint(new ReplyToken("i", 702, 1));
    String repeatedReply = DaemonHarness.codec().mint(new ReplyToken("i", 703, 1));
    try (SmtpClient client = new SmtpClient(daemon.smtpPort, 30_000)) {
      assertThat(client.send("EHLO client.test")).contains("SMTPUTF8", "CHUNKING");

      // when: SMTPUTF8 with a UTF-8 sender, From and Subject
      client.write("MAIL FROM:<josé@correo.example> SMTPUTF8\r\n".getBytes(StandardCharsets.UTF_8));
      assertThat(client.reply()).startsWith("250");
      assertThat(client.send("RCPT TO:<" + utf8Reply + ">")).startsWith("250");
      assertThat(client.send("DATA")).startsWith("354");
      client.write(("From: José Müller <josé@correo.example>\r\nSubject: Re: Grüße ✓\r\n"
          + "Message-ID: <utf8-e2e@correo.example>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
          + "Danke schön, das hat geholfen.\r\n.\r\n").getBytes(StandardCharsets.UTF_8));
      assertThat(client.reply()).startsWith("250 2.0.0 Ok: queued as");

      // and: BDAT in two chunks, Unix line ends inside
      assertThat(client.send("MAIL FROM:<bob@exchange.example>")).startsWith("250");
      assertThat(client.send("RCPT TO:<" + chunkedReply + ">")).startsWith("250");
      String first = "From: Bob <bob@exchange.example>\nSubject: chunked reply\n";
      String second = "Message-ID: <bdat-e2e@exchange.example>\n\nFixed in the next build.\n";
      client.write("BDAT " + first.length() + "\r\n" + first);
      assertThat(client.reply()).isEqualTo("250 2.0.0 Ok: " + first.length() + " octets received");
      client.write("BDAT " + second.length() + " LAST\r\n" + second);
      assertThat(client.reply()).startsWith("250 2.0.0 Ok: queued as");

      // and: the same reply address five times, once in upper case
      assertThat(client.send("MAIL FROM:<carol@example.org>")).startsWith("250");
      for (int i = 0; i < 4; i++) {
        assertThat(client.send("RCPT TO:<" + repeatedReply + ">")).startsWith("250");
      }
      assertThat(client.send("RCPT TO:<" + repeatedReply.toUpperCase(java.util.Locale.ROOT) + ">")).startsWith("250");
      assertThat(client.send("DATA")).startsWith("354");
      client.write("From: carol@example.org\r\nSubject: once\r\nMessage-ID: <dup-e2e@example.org>\r\n\r\nOnly once.\r\n.\r\n");
      assertThat(client.reply()).startsWith("250 2.0.0 Ok: queued as");
      client.send("QUIT");
    }

    // then
    Await.within(Duration.ofSeconds(60), () -> StoredFiles.count(root, MaildirLayout.SUCCESS) >= 3);
    assertThat(StoredFiles.count(root, MaildirLayout.SUCCESS)).as(StoredFiles.summary(root)).isEqualTo(3);
    Map<Long, Integer> perThread = app.acceptedPerThread();
    assertThat(perThread).containsExactlyInAnyOrderEntriesOf(Map.of(701L, 1, 702L, 1, 703L, 1));
    RecordingMainApp.Request utf8 = post(701);
    assertThat(utf8.json().path("from").path("address").asText()).isEqualTo("josé@correo.example");
    assertThat(utf8.json().path("from").path("name").asText()).isEqualTo("José Müller");
    assertThat(utf8.json().path("subject").asText()).isEqualTo("Re: Grüße ✓");
    assertThat(utf8.json().path("envelope").path("mail_from").asText()).isEqualTo("josé@correo.example");
    assertThat(utf8.text()).contains("Danke schön, das hat geholfen.");
    RecordingMainApp.Request chunked = post(702);
    assertThat(chunked.json().path("subject").asText()).isEqualTo("chunked reply");
    assertThat(chunked.text()).contains("Fixed in the next build.");
    assertThat(post(703).text()).contains("Only once.");
  }

  private RecordingMainApp.Request post(long thread) {
    List<RecordingMainApp.Request> matching = app.accepted().stream().filter(p -> p.thread() == thread).toList();
    assertThat(matching).hasSize(1);
    return matching.get(0);
  }
}
