package dev.replyd.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The kit's DNS server asked over real UDP on loopback by dnsjava's resolver. */
class LoopbackDnsServerTest {

  @Test
  void aServerWithAnAnswerDelaySendsTheSameAnswerNoSoonerThanTheDelay() throws Exception {
    // given
    try (LoopbackDnsServer dns = LoopbackDnsServer.answering()
        .txt("client.bench.test", "v=spf1 ip4:127.0.0.1 -all", 300)
        .answerDelay(Duration.ofMillis(300))) {

      // when
      long start = System.nanoTime();
      Message response = resolver(dns).send(query("client.bench.test.", Type.TXT));
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

      // then
      assertThat(elapsedMillis).isGreaterThanOrEqualTo(300);
      assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(response.getSection(Section.ANSWER))
          .singleElement()
          .satisfies(r -> assertThat(((TXTRecord) r).getStrings()).containsExactly("v=spf1 ip4:127.0.0.1 -all"));
      assertThat(dns.queriesReceived()).isEqualTo(1);
    }
  }

  @Test
  void aQueryWithoutAQuestionGetsFormerrAndTheServerKeepsAnswering() throws Exception {
    // given
    try (LoopbackDnsServer dns = LoopbackDnsServer.answering().txt("a.test", "x", 60);
        DatagramSocket client = new DatagramSocket()) {
      client.setSoTimeout(30_000);
      byte[] bare = new Message(4242).toWire();

      // when
      client.send(new DatagramPacket(bare, bare.length, dns.address()));
      DatagramPacket reply = new DatagramPacket(new byte[512], 512);
      client.receive(reply);
      Message response = resolver(dns).send(query("a.test.", Type.TXT));

      // then
      assertThat(new Message(java.util.Arrays.copyOf(reply.getData(), reply.getLength())).getRcode())
          .isEqualTo(Rcode.FORMERR);
      assertThat(response.getSection(Section.ANSWER)).hasSize(1);
      assertThat(dns.questions()).containsExactly("a.test./TXT");
      assertThat(dns.queriesReceived()).isEqualTo(2);
    }
  }

  private static SimpleResolver resolver(LoopbackDnsServer dns) {
    SimpleResolver resolver = new SimpleResolver(dns.address());
    resolver.setTimeout(Duration.ofSeconds(30));
    return resolver;
  }

  private static Message query(String name, int type) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name), type, org.xbill.DNS.DClass.IN));
  }
}
