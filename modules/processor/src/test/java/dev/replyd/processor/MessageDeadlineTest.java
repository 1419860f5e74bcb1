package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.deliver;
import static dev.replyd.processor.Fixtures.fixture;
import static dev.replyd.processor.Fixtures.replyAddress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.auth.SenderAuthenticator;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.maildir.MaildirLayout;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code processor.message-deadline}: a message still being read when it runs out is filed with a
 * reason, and the worker goes on with the next one. Reading is made slow for real: the sender checks
 * ask a DNS server on loopback that never answers, with a per-question timeout far beyond the deadline.
 */
class MessageDeadlineTest extends ProcessorHarness {

  @Test
  void aMessageStillBeingReadAtTheDeadlineIsFiledAndTheWorkerTakesTheNextOne() throws Exception {
    try (DatagramSocket silentDns = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      SenderChecks checks = new SenderChecks(new SenderAuthenticator(new SenderAuthenticator.Settings(
          List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), silentDns.getLocalPort())),
          Duration.ofSeconds(1), Fixtures.REPLY_DOMAIN)), SenderChecks.Policy.OFF, Fixtures.REPLY_DOMAIN);
      ProcessorSettings settings = Fixtures.settings(receiver.url(), d -> d.threads = 1)
          .withMessageDeadline(Duration.ofMillis(200));
      processor = Processor.start(settings, maildir, Fixtures.CODEC,
          new ReplyExtractor(ReplyExtractor.Settings.defaults()), registry, checks);

      String first = deliver(maildir, replyAddress(), fixture("plain.eml"));
      String second = deliver(maildir, replyAddress(), fixture("plain.eml"));

      awaitFiled(MaildirLayout.FAILURE, first);
      awaitFiled(MaildirLayout.FAILURE, second);
      assertThat(reasonFile(first).get("reason").asText()).isEqualTo("deadline_exceeded");
      assertThat(reasonFile(first).get("detail").asText()).isEqualTo(
          "still reading the message after PT0.2S (processor.message-deadline); requeue it to try again");
      assertThat(reasonFile(first).get("message_id").asText()).isEqualTo("<plain-1@mail.example.org>");
      assertThat(receiver.requests()).isEmpty();
    }
  }
}
