package dev.replyd.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.SmtpClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No open relay: the classic relay test set (percent hack, source routes, quoted local parts, bang
 * paths, IP literals, look-alike domains), aimed at other hosts and dressed up with our own domain
 * and even with a genuine reply token, is refused at RCPT; nothing is stored.
 */
class OpenRelayTest extends SmtpHarness {
  List<String> relayAttempts() {
    String domain = DaemonHarness.REPLY_DOMAIN;
    String token = smtp.replyAddress(1, 5);
    String tokenLocal = token.substring(0, token.indexOf('@'));
    return List.of(
        "victim@other.example",
        "victim@other.example.",
        "victim%other.example@" + domain,
        "victim%other.example%" + domain + "@" + domain,
        tokenLocal + "%other.example@" + domain,
        "postmaster%other.example@" + domain,
        "noreply%other.example@" + domain,
        "@" + domain + ":victim@other.example",
        "@" + domain + ",@relay.other.example:victim@other.example",
        "@other.example:" + token,
        "\"victim@other.example\"@" + domain,
        "\"victim%other.example\"@" + domain,
        "\"victim@other.example\"",
        "\"" + tokenLocal + "@other.example\"@" + domain,
        "other.example!victim@" + domain,
        "other.example!victim",
        domain + "!other.example!victim",
        "victim@[127.0.0.1]",
        "victim@[192.0.2.1]",
        "victim@[IPv6:::1]",
        tokenLocal + "@[127.0.0.1]",
        "victim%other.example@[127.0.0.1]",
        "victim@other.example@" + domain,
        "victim@" + domain + ".other.example",
        "victim@sub." + domain,
        tokenLocal + "@other.example",
        tokenLocal + "@sub." + domain,
        "victim",
        "<victim@other.example>",
        "victim@other.example>, <other@other.example");
  }

  @Test
  void everyRelayAttemptIsRefusedAtRcptAndNothingIsStored() throws Exception {
    // given
    List<String> accepted = new ArrayList<>();
    List<String> attempts = relayAttempts();
    try (SmtpClient client = new SmtpClient(smtp.port(), 30_000)) {
      client.send("EHLO relay-tester.test");
      assertThat(client.send("MAIL FROM:<tester@other.example>")).startsWith("250");

      // when
      for (String rcpt : attempts) {
        String reply = client.send("RCPT TO:<" + rcpt + ">");
        if (reply == null || !reply.startsWith("5")) {
          accepted.add(rcpt + " -> " + reply);
        }
      }

      // then
      Soak.report("open-relay", "inputs=" + attempts.size() + " accepted=" + accepted);
      assertThat(accepted).as("relay attempts not refused with 5xx at RCPT").isEmpty();
      assertThat(client.send("DATA")).startsWith("554");
      assertThat(client.send("RCPT TO:<" + smtp.replyAddress(1, 5) + ">")).as("the genuine address still works").startsWith("250");
    }
    assertThat(smtp.newFiles().size() + smtp.tmpFiles().size()).isZero();
  }
}
