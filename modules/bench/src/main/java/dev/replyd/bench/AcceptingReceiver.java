package dev.replyd.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The main app of a benchmark: answers every POST with {@code 200} at once, without verifying or
 * printing (the bundled example receiver verifies signatures and prints each reply, which would
 * make the receiver, not replyd, the bottleneck).
 *
 * <p>Usage: {@code AcceptingReceiver PORT STATS_FILE [RECORD_FILE]}. Listens on 127.0.0.1 only. With
 * RECORD_FILE, each POST appends {@code <unix seconds with microseconds> <Replyd-Delivery> <message_id>}
 * (the format of the processor tests' {@code main_app.py}; {@code message_id} found in the JSON by a
 * pattern, not parsed: this receiver must stay cheap). Every second,
 * and at exit (SIGTERM), rewrites STATS_FILE with {@code posts=N distinct=N max_in_flight=N}:
 * {@code distinct} counts distinct {@code Replyd-Delivery} headers, so {@code posts - distinct}
 * is the number of repeated posts (retries or reprocessing after a restart).
 *
 * <p>Thread-safety: handlers run on a small pool; counters are atomic.
 */
public final class AcceptingReceiver {
  private static final AtomicLong POSTS = new AtomicLong();
  private static final AtomicInteger IN_FLIGHT = new AtomicInteger();
  private static final AtomicInteger MAX_IN_FLIGHT = new AtomicInteger();
  private static final Set<String> DELIVERIES = ConcurrentHashMap.newKeySet();
  private static final java.util.regex.Pattern MESSAGE_ID =
      java.util.regex.Pattern.compile("\"message_id\"\\s*:\\s*\"([^\"]*)\"");
  private static PrintWriter record;

  private AcceptingReceiver() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 2 && args.length != 3) {
      System.err.println("usage: AcceptingReceiver PORT STATS_FILE [RECORD_FILE]");
      System.exit(2);
    }
    Path stats = Path.of(args[1]);
    if (args.length == 3) {
      record = new PrintWriter(Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8));
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 256);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    server.setExecutor(pool);
    server.createContext("/", AcceptingReceiver::handle);
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop(0);
      pool.shutdownNow();
      writeStats(stats);
      if (record != null) {
        record.flush();
      }
    }));
    while (true) {
      writeStats(stats);
      Thread.sleep(1000);
    }
  }

  private static void handle(HttpExchange exchange) throws IOException {
    int now = IN_FLIGHT.incrementAndGet();
    MAX_IN_FLIGHT.accumulateAndGet(now, Math::max);
    try (InputStream body = exchange.getRequestBody()) {
      String delivery = exchange.getRequestHeaders().getFirst("Replyd-Delivery");
      if (record != null) {
        byte[] json = body.readAllBytes();
        java.time.Instant at = java.time.Instant.now();
        java.util.regex.Matcher id = MESSAGE_ID.matcher(new String(json, StandardCharsets.UTF_8));
        String line = String.format(java.util.Locale.ROOT, "%d.%06d %s %s", at.getEpochSecond(), at.getNano() / 1000,
            delivery, id.find() ? id.group(1) : "-");
        synchronized (AcceptingReceiver.class) {
          record.println(line);
          record.flush();
        }
      } else {
        body.transferTo(OutputStreamSink.INSTANCE);
      }
      if (delivery != null) {
        DELIVERIES.add(delivery);
      }
      POSTS.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
    } finally {
      IN_FLIGHT.decrementAndGet();
      exchange.close();
    }
  }

  private static void writeStats(Path stats) {
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(stats.resolveSibling(stats.getFileName() + ".new"),
        StandardCharsets.US_ASCII))) {
      out.printf("posts=%d distinct=%d max_in_flight=%d%n", POSTS.get(), DELIVERIES.size(), MAX_IN_FLIGHT.get());
    } catch (IOException e) {
      System.err.println("receiver: write " + stats + ": " + e.getMessage());
      return;
    }
    try {
      Files.move(stats.resolveSibling(stats.getFileName() + ".new"), stats,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      System.err.println("receiver: rename to " + stats + ": " + e.getMessage());
    }
  }

  /** Discards bytes (the request body is read only so the connection can be reused). */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
