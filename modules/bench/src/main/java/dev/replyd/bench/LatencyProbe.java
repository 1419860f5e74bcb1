package dev.replyd.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures SMTP acceptance latency: the time from the client's end of DATA ({@code "\r\n.\r\n"}
 * sent) to the server's final {@code 250} reply, which for replyd covers the fsync of the file
 * and of {@code new/}. smtp-source does not report latency, so scripts/bench runs this at a fixed
 * offered rate (typically half the maximum it measured).
 *
 * <p>Usage: {@code LatencyProbe HOST:PORT RCPT RATE COUNT [SESSIONS] [SIZE] [conn|persist] [ACCEPTED]}.
 * Messages are started on a fixed schedule (message i at {@code i / RATE} seconds) by SESSIONS
 * client threads; {@code conn} opens one connection per message (EHLO, MAIL, RCPT, DATA, QUIT),
 * {@code persist} keeps one connection per thread (RSET between messages). Prints one line:
 * {@code sent=N failed=N offered=R/s achieved=R/s p50=ms p90=ms p99=ms max=ms}. Time is measured
 * with {@link System#nanoTime}. If the server falls behind the schedule, threads start late rather
 * than piling up; {@code achieved} then shows it.
 *
 * <p>With ACCEPTED (a file), every message carries its own {@code Message-ID: <probe-N.RUN@client.test>}
 * and ACCEPTED gets one line per {@code 250}: {@code <unix seconds with microseconds, wall clock> <Message-ID>}.
 * scripts/bench joins it with the main app's record of the POSTs (same machine, same clock) for the
 * end-to-end latency from the sender's {@code 250} to the main app.
 *
 * <p>Failures: a reply other than the expected code counts the message as failed (it is not
 * timed) and the reply is printed to stderr (first five only). Exit status 1 when every message
 * failed, 2 on usage errors.
 *
 * <p>Thread-safety: command-line tool; each thread owns its connection; results are collected
 * in a concurrent queue.
 */
public final class LatencyProbe {
  private static final int MAX_REPORTED_ERRORS = 5;

  private final String host;
  private final int port;
  private final String recipient;
  private final double rate;
  private final int count;
  private final byte[] body;
  private final boolean persistent;
  private final AtomicInteger nextSlot = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
  private final java.nio.file.Path acceptedFile;
  private final String run = Long.toString(System.currentTimeMillis(), 36);
  private long startNanos;

  private LatencyProbe(String host, int port, String recipient, double rate, int count, int size, boolean persistent,
      java.nio.file.Path acceptedFile) {
    this.acceptedFile = acceptedFile;
    this.host = host;
    this.port = port;
    this.recipient = recipient;
    this.rate = rate;
    this.count = count;
    this.body = body(size);
    this.persistent = persistent;
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 4) {
      System.err.println("usage: LatencyProbe HOST:PORT RCPT RATE COUNT [SESSIONS] [SIZE] [conn|persist] [ACCEPTED]");
      System.exit(2);
    }
    int colon = args[0].lastIndexOf(':');
    int sessions = args.length > 4 ? Integer.parseInt(args[4]) : 8;
    int size = args.length > 5 ? Integer.parseInt(args[5]) : 2048;
    boolean persistent = args.length > 6 && args[6].equals("persist");
    LatencyProbe probe = new LatencyProbe(args[0].substring(0, colon), Integer.parseInt(args[0].substring(colon + 1)),
        args[1], Double.parseDouble(args[2]), Integer.parseInt(args[3]), size, persistent,
        args.length > 7 ? java.nio.file.Path.of(args[7]) : null);
    System.exit(probe.run(sessions));
  }

  private int run(int sessions) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    startNanos = System.nanoTime();
    for (int i = 0; i < sessions; i++) {
      Thread thread = new Thread(this::session, "probe-" + i);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    if (acceptedFile != null) {
      try {
        java.nio.file.Files.write(acceptedFile, accepted, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        System.err.println("probe: write " + acceptedFile + ": " + e.getMessage());
        return 1;
      }
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(Locale.ROOT, "sent=%d failed=%d offered=%.0f/s achieved=%.0f/s p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms%n",
        sorted.length, failures.get(), rate, sorted.length / seconds, percentile(sorted, 50), percentile(sorted, 90),
        percentile(sorted, 99), sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
    return sorted.length == 0 ? 1 : 0;
  }

  /** Nearest-rank percentile, in milliseconds. */
  static double percentile(long[] sortedNanos, double p) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
    return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
  }

  private void session() {
    Connection connection = null;
    try {
      for (int slot = nextSlot.getAndIncrement(); slot < count; slot = nextSlot.getAndIncrement()) {
        long due = startNanos + (long) (slot * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        try {
          if (connection == null) {
            connection = new Connection(host, port);
          }
          if (acceptedFile == null) {
            latencies.add(connection.send(recipient, body));
          } else {
            String messageId = "<probe-" + slot + "." + run + "@client.test>";
            byte[] header = ("Message-ID: " + messageId + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] withId = new byte[header.length + body.length];
            System.arraycopy(header, 0, withId, 0, header.length);
            System.arraycopy(body, 0, withId, header.length, body.length);
            latencies.add(connection.send(recipient, withId));
            java.time.Instant at = java.time.Instant.now();
            accepted.add(String.format(Locale.ROOT, "%d.%06d %s", at.getEpochSecond(), at.getNano() / 1000, messageId));
          }
          if (persistent) {
            connection.command("RSET", 250);
          } else {
            connection.quit();
            connection = null;
          }
        } catch (IOException | ProtocolError e) {
          if (failures.incrementAndGet() <= MAX_REPORTED_ERRORS) {
            System.err.println("probe: message " + slot + ": " + e.getMessage());
          }
          if (connection != null) {
            connection.closeQuietly();
            connection = null;
          }
        }
      }
    } finally {
      if (connection != null) {
        connection.quit();
      }
    }
  }

  /** A body of {@code size} bytes: a few headers, then 72-character lines (no leading dots). */
  static byte[] body(int size) {
    StringBuilder text = new StringBuilder("From: probe@client.test\r\nSubject: latency probe\r\n\r\n");
    String line = "The quick brown fox jumps over the lazy dog; 0123456789 abcdefghijklmno\r\n";
    while (text.length() < size) {
      text.append(line);
    }
    text.setLength(Math.max(size, 60));
    int end = text.lastIndexOf("\r\n");
    text.setLength(end + 2);
    return text.append("\r\n.\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** A reply other than the one expected. */
  static final class ProtocolError extends Exception {
    private static final long serialVersionUID = 1L;

    ProtocolError(String message) {
      super(message);
    }
  }

  /** One SMTP client connection; confined to one probe thread. */
  static final class Connection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Connection(String host, int port) throws IOException, ProtocolError {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(60_000);
      socket.connect(new InetSocketAddress(host, port), 10_000);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
      expect(220);
      command("EHLO probe.client.test", 250);
    }

    /** One transaction; returns nanoseconds from the end of DATA sent to the 250 read. */
    long send(String recipient, byte[] body) throws IOException, ProtocolError {
      command("MAIL FROM:<probe@client.test>", 250);
      command("RCPT TO:<" + recipient + ">", 250);
      command("DATA", 354);
      int split = body.length - 5; // the final "\r\n.\r\n"
      out.write(body, 0, split);
      out.flush();
      long start = System.nanoTime();
      out.write(body, split, 5);
      out.flush();
      expect(250);
      return System.nanoTime() - start;
    }

    void command(String line, int expected) throws IOException, ProtocolError {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      expect(expected);
    }

    void quit() {
      try {
        command("QUIT", 221);
      } catch (IOException | ProtocolError ignored) {
        // the message is already timed; a sloppy QUIT does not change the figure
      }
      closeQuietly();
    }

    void closeQuietly() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }

    /** Reads a (possibly multi-line) reply and checks its code. */
    private void expect(int code) throws IOException, ProtocolError {
      while (true) {
        String line = readLine();
        if (line.length() < 4 || line.charAt(3) == ' ') {
          if (!line.startsWith(Integer.toString(code))) {
            throw new ProtocolError("expected " + code + ", got: " + line);
          }
          return;
        }
      }
    }

    private String readLine() throws IOException {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          int length = line.length();
          if (length > 0 && line.charAt(length - 1) == '\r') {
            line.setLength(length - 1);
          }
          return line.toString();
        }
        line.append((char) c);
      }
      throw new IOException("connection closed by the server" + (line.length() == 0 ? "" : " after: " + line));
    }
  }
}
