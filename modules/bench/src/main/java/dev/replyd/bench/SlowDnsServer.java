package dev.replyd.bench;

import dev.replyd.testing.LoopbackDnsServer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The DNS of a benchmark with sender checks on: the test kit's {@link LoopbackDnsServer} on 127.0.0.1
 * (UDP) for one sender domain, answering every question only after a fixed delay, as a resolver a few
 * milliseconds away on a cold cache would. Answers are sent concurrently: a slow answer to one question
 * does not hold the next.
 *
 * <p>Usage: {@code SlowDnsServer PORT DELAY_MS DOMAIN}. Records: {@code DOMAIN TXT "v=spf1
 * ip4:127.0.0.1 -all"} (the bench clients connect from loopback: SPF pass) and {@code _dmarc.DOMAIN
 * TXT "v=DMARC1; p=none"}; every other name under the parent of DOMAIN is NXDOMAIN and every other
 * type NODATA, both with an SOA whose minimum is 300 s (RFC 2308: replyd may cache them), names
 * elsewhere NXDOMAIN without SOA. The bench messages are not DKIM-signed, so no key record is asked
 * for. Every 10 s and at exit it prints {@code questions=N}. Runs until the process is killed.
 *
 * <p>Thread-safety: the server's threads answer; one scheduler thread prints the count.
 */
public final class SlowDnsServer {
  private static final long TTL = 300;

  private SlowDnsServer() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 3) {
      System.err.println("usage: SlowDnsServer PORT DELAY_MS DOMAIN");
      System.exit(2);
    }
    String domain = args[2];
    Name name = name(domain);
    Name zone = name.labels() > 2 ? new Name(name, 1) : name;
    LoopbackDnsServer dns = LoopbackDnsServer.answeringOn(Integer.parseInt(args[0]))
        .answerDelay(Duration.ofMillis(Long.parseLong(args[1])))
        .zone(zone.toString(), TTL)
        .txt(domain, "v=spf1 ip4:127.0.0.1 -all", TTL)
        .txt("_dmarc." + domain, "v=DMARC1; p=none", TTL);
    ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor();
    printer.scheduleAtFixedRate(() -> System.out.println("questions=" + dns.queriesReceived()), 10, 10, TimeUnit.SECONDS);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("questions=" + dns.queriesReceived())));
    new CountDownLatch(1).await(); // the server's threads are daemons: serve until the bench kills the process
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("DNS name " + text, e);
    }
  }
}
