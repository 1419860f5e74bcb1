package dev.replyd.bench;

import dev.replyd.maildir.Maildir;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The durable delivery rate of the Maildir store alone, without SMTP: THREADS threads each call
 * {@link Maildir#deliver} (tmp/, fsync file, rename into new/, fsync new/) with a SIZE-byte message
 * until COUNT messages are stored. This is the ceiling the SMTP side works under, and the place
 * where sharing directory fsyncs between concurrent deliveries shows.
 *
 * <p>Usage: {@code MaildirDeliveryRate DIR THREADS COUNT [SIZE]}; DIR must not hold a Maildir that
 * matters (its new/ fills up). Prints {@code threads=N messages=N seconds=S rate=R/s}.
 *
 * <p>Thread-safety: command-line tool; the Maildir is shared as it is in the daemon.
 */
public final class MaildirDeliveryRate {
  private MaildirDeliveryRate() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: MaildirDeliveryRate DIR THREADS COUNT [SIZE]");
      System.exit(2);
    }
    Maildir maildir = Maildir.open(Path.of(args[0]));
    int threads = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    byte[] message = LatencyProbe.body(args.length > 3 ? Integer.parseInt(args[3]) : 2048);
    byte[] prefix = "Delivered-To: reply+i-1-0123456789abcdef0123456789abcdef01234567-5@reply.bench.test\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int share = count / threads + (t < count % threads ? 1 : 0);
        done.add(pool.submit(() -> {
          for (int i = 0; i < share; i++) {
            maildir.deliver(new ByteArrayInputStream(message), prefix);
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "threads=%d messages=%d seconds=%.2f rate=%.0f/s%n", threads, count, seconds, count / seconds);
  }

}
