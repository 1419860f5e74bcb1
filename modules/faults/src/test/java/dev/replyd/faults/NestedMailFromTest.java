package dev.replyd.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.maildir.MaildirLayout;
import dev.replyd.smtp.TestServer;
import dev.replyd.smtp.TestServers;
import dev.replyd.testing.SmtpClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Found by the pipelining property of {@link SmtpCommandFuzzTest}: a refused second MAIL FROM must
 * leave the transaction in progress untouched (RFC 5321 4.1.4: MAIL may not be sent inside a
 * transaction; the 503 changes nothing).
 */
class NestedMailFromTest {
  @RegisterExtension final TestServers servers = new TestServers();

  @Test
  void aRefusedNestedMailFromLeavesTheTransactionInProgressAlone() throws Exception {
    Path root = servers.storage();
    try (TestServer smtp = servers.start();
         SmtpClient client = new SmtpClient(smtp.port(), 10_000)) {
      // given: a transaction with one recipient
      client.send("EHLO client.test");
      assertThat(client.send("MAIL FROM:<first@client.test>")).startsWith("250");
      assertThat(client.send("RCPT TO:<" + smtp.replyAddress(1, 1) + ">")).startsWith("250");

      // when: MAIL FROM again, twice
      String nested = client.send("MAIL FROM:<second@client.test>");
      String again = client.send("MAIL FROM:<third@client.test>");

      // then: both refused, and the first transaction goes on unchanged
      assertThat(nested).startsWith("503 5.5.");
      assertThat(again).startsWith("503 5.5.");
      assertThat(client.send("DATA")).startsWith("354");
      client.write("Subject: x\r\n\r\nhello\r\n");
      assertThat(client.send(".")).startsWith("250 2.0.0");
      assertThat(StoredFiles.messages(root, MaildirLayout.NEW)).hasSize(1);
      assertThat(smtp.maildir.path(MaildirLayout.NEW, StoredFiles.messages(root, MaildirLayout.NEW).get(0).getFileName().toString()))
          .content().startsWith("Return-Path: <first@client.test>");
    }
  }
}
