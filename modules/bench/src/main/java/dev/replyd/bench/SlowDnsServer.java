package dev.replyd.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

/**
 * The DNS of a benchmark with sender checks on: an authoritative server on 127.0.0.1 (UDP) for one
 * sender domain that answers every question only after a fixed delay, as a resolver a few
 * milliseconds away on a cold cache would. Answers are sent concurrently: a slow answer to one
 * question does not hold the next.
 *
 * <p>Usage: {@code SlowDnsServer PORT DELAY_MS DOMAIN}. Records: {@code DOMAIN TXT "v=spf1
 * ip4:127.0.0.1 -all"} (the bench clients connect from loopback: SPF pass) and {@code _dmarc.DOMAIN
 * TXT "v=DMARC1; p=none"}; every other name under the parent of DOMAIN is NXDOMAIN and every other
 * type NODATA, both with an SOA whose minimum is 300 s (RFC 2308: replyd may cache them), names
 * elsewhere NXDOMAIN without SOA. The bench messages are not DKIM-signed, so no key record is asked
 * for. Every 10 s and at exit it prints {@code questions=N}.
 *
 * <p>Thread-safety: one thread receives; a scheduler sends the delayed answers (the socket is
 * thread-safe for sends).
 */
public final class SlowDnsServer {
  private static final long TTL = 300;

  private SlowDnsServer() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: SlowDnsServer PORT DELAY_MS DOMAIN");
      System.exit(2);
    }
    long delayMs = Long.parseLong(args[1]);
    Name domain = name(args[2]);
    Name zone = domain.labels() > 2 ? new Name(domain, 1) : domain;
    Map<Name, List<Record>> records = Map.of(
        domain, List.of(new TXTRecord(domain, DClass.IN, TTL, "v=spf1 ip4:127.0.0.1 -all")),
        name("_dmarc." + args[2]), List.of(new TXTRecord(name("_dmarc." + args[2]), DClass.IN, TTL, "v=DMARC1; p=none")));
    SOARecord soa = new SOARecord(zone, DClass.IN, TTL, name("ns." + zone), name("hostmaster." + zone), 1, 3600, 600,
        86400, TTL);
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])));
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    AtomicLong questions = new AtomicLong();
    sender.scheduleAtFixedRate(() -> System.out.println("questions=" + questions.get()), 10, 10, TimeUnit.SECONDS);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("questions=" + questions.get())));
    byte[] buffer = new byte[65535];
    while (true) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      socket.receive(packet);
      questions.incrementAndGet();
      Message query;
      try {
        query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
      } catch (IOException malformed) {
        continue;
      }
      byte[] answer = answer(query, records, zone, soa).toWire(65535);
      var to = packet.getSocketAddress();
      sender.schedule(() -> {
        try {
          socket.send(new DatagramPacket(answer, answer.length, to));
        } catch (IOException e) {
          System.err.println("dns: send: " + e.getMessage());
        }
      }, delayMs, TimeUnit.MILLISECONDS);
    }
  }

  private static Message answer(Message query, Map<Name, List<Record>> records, Name zone, SOARecord soa) {
    Record question = query.getQuestion();
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.AA);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    if (question == null) {
      response.getHeader().setRcode(Rcode.FORMERR);
      return response;
    }
    response.addRecord(question, Section.QUESTION);
    List<Record> owned = records.get(question.getName());
    if (owned == null) {
      response.getHeader().setRcode(Rcode.NXDOMAIN);
    } else {
      owned.stream().filter(r -> r.getType() == question.getType()).forEach(r -> response.addRecord(r, Section.ANSWER));
    }
    if (response.getSection(Section.ANSWER).isEmpty() && question.getName().subdomain(zone)) {
      response.addRecord(soa, Section.AUTHORITY);
    }
    return response;
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("DNS name " + text, e);
    }
  }
}
