package dev.replyd.faults;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import dev.replyd.testing.SmtpClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * LoadClient - sends {@code messages} replies over {@code sessions} concurrent SMTP sessions and
 * records exactly which ones the server acknowledged with 250 after the final dot.
 *
 * <p>Contract: message n (1-based) goes to a reply address for thread n, with Message-ID
 * {@code <n.load@client.test>}, so the receiver and the stored files can be matched to it. When a
 * session breaks (the daemon was killed) the message in flight counts as sent but not acknowledged
 * and is not resent (a resend would be a second, legitimately different delivery); a {@code 421}
 * to MAIL FROM (the server is stopping) took nothing, so that message is sent again; the session
 * reconnects to the port {@code port} currently reports, retrying until {@code patience} passes.
 *
 * <p>Thread-safety: {@link #run} once; the result sets are concurrent.
 */
final class LoadClient {
  static final String MESSAGE_ID_DOMAIN = "load.client.test";

  final Set<Long> sent = ConcurrentHashMap.newKeySet();
  final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
  final AtomicInteger brokenSessions = new AtomicInteger();
  final AtomicInteger refusals = new AtomicInteger();
  private final AtomicInteger next = new AtomicInteger(1);
  private final ReplyAddressCodec codec;
  private final IntSupplier port;
  private final int messages;
  private final int sessions;
  private final Duration patience;
  private final List<Throwable> failures = new ArrayList<>();

  LoadClient(ReplyAddressCodec codec, IntSupplier port, int messages, int sessions, Duration patience) {
    this.codec = codec;
    this.port = port;
    this.messages = messages;
    this.sessions = sessions;
    this.patience = patience;
  }

  /** Skips one message number (so a second client can continue the numbering of a first one). */
  void skip() {
    next.incrementAndGet();
  }

  /**
   * Runs {@link #run} on a new daemon thread named {@code name}; what it throws (a session that gave
   * up, an assertion) is put in {@code failure} for the test to check after joining the thread.
   */
  Thread runInBackground(String name, AtomicReference<Throwable> failure) {
    Thread thread = new Thread(() -> {
      try {
        run();
      } catch (InterruptedException | RuntimeException | AssertionError e) {
        failure.set(e);
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Runs every session to the end; throws if a session gave up (server unreachable too long). */
  void run() throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int s = 1; s <= sessions; s++) {
      int session = s;
      Thread t = new Thread(() -> session(session), "load-session-" + s);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    synchronized (failures) {
      if (!failures.isEmpty()) {
        AssertionError e = new AssertionError("load sessions gave up: " + failures);
        failures.forEach(e::addSuppressed);
        throw e;
      }
    }
  }

  static String body(long n) {
    return "From: Load Client <sender@client.test>\r\n"
        + "To: replies\r\n"
        + "Subject: Re: issue " + n + "\r\n"
        + "Message-ID: <" + n + "." + MESSAGE_ID_DOMAIN + ">\r\n"
        + "\r\n"
        + "Reply number " + n + " from the load client.\r\n"
        + "It has a second line so that the message is not trivially small.\r\n";
  }

  private void session(int session) {
    long deadline = System.nanoTime() + patience.toNanos();
    int n = next.getAndIncrement();
    while (n <= messages) {
      try (SmtpClient smtp = connect(deadline)) {
        if (smtp.greeting == null || !smtp.greeting.startsWith("220") || !smtp.send("EHLO load.client.test").startsWith("250")) {
          refusals.incrementAndGet();
          Thread.sleep(50);
          continue;
        }
        while (n <= messages) {
          sent.add((long) n);
          if (deliver(smtp, n, session)) {
            acknowledged.add((long) n);
          } else {
            refusals.incrementAndGet();
          }
          n = next.getAndIncrement();
        }
        smtp.send("QUIT");
      } catch (IOException e) {
        // The daemon died under this session: the message in flight (if any) is sent but
        // unacknowledged and is not resent; one not yet started is sent on the next connection.
        brokenSessions.incrementAndGet();
        if (sent.contains((long) n)) {
          n = next.getAndIncrement();
        }
      } catch (InterruptedException | RuntimeException e) {
        synchronized (failures) {
          failures.add(e);
        }
        return;
      }
    }
  }

  private boolean deliver(SmtpClient smtp, long n, int session) throws IOException {
    String rcpt = codec.mint(new ReplyToken("i", n, session));
    List<String> replies = smtp.pipeline(List.of("MAIL FROM:<sender@client.test>", "RCPT TO:<" + rcpt + ">", "DATA"));
    if (replies.get(0) != null && replies.get(0).startsWith("421")) {
      // The server is stopping (RFC 5321 3.8): nothing of message n was taken; send it on a new
      // connection, as an MTA would.
      sent.remove(n);
      throw new IOException("421 before message " + n + ": " + replies.get(0));
    }
    if (replies.contains(null)) {
      throw new IOException("connection closed during the envelope of message " + n);
    }
    if (!replies.get(0).startsWith("250") || !replies.get(1).startsWith("250") || !replies.get(2).startsWith("354")) {
      if (replies.get(2) != null && replies.get(2).startsWith("354")) {
        smtp.send(".");
      }
      smtp.send("RSET");
      return false;
    }
    smtp.write(body(n));
    String end = smtp.send(".");
    if (end == null) {
      throw new IOException("connection closed after the final dot of message " + n);
    }
    return end.startsWith("250");
  }

  private SmtpClient connect(long deadline) throws IOException, InterruptedException {
    while (true) {
      try {
        return new SmtpClient(port.getAsInt(), 30_000);
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no SMTP server to connect to within " + patience, e);
        }
        Thread.sleep(50);
      }
    }
  }
}
