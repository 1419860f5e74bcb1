package dev.replyd.maildir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NAME
 *   UniqueNames - Maildir unique file names and short queue ids for this process
 *
 * DESCRIPTION
 *   A name is {@code <secs>.M<usec>P<pid>Q<n>.<host>}: the time of delivery, the process id and a
 *   per-process counter, then the host name with '/' written as \057 and ':' as \072 (the Maildir
 *   specification, cr.yp.to/proto/maildir.html, "Unique names"). The counter makes names unique
 *   between threads, the pid between processes on one host, the host between machines sharing a
 *   directory. Files are still created with CREATE_NEW, so a collision we did not foresee fails
 *   loudly instead of overwriting mail.
 *
 *   {@link #isMessage} recognises exactly the names this class makes; anything else found in a
 *   state directory was not created by replyd and is left alone.
 *
 * STANDARDS
 *   Maildir (D. J. Bernstein), "How a message is delivered" and "Unique names".
 *
 * THREAD SAFETY
 *   Shared by the whole process; the only mutable state is an atomic counter.
 */
final class UniqueNames {
  /** One counter per process: two Maildir instances over one root must not hand out the same Q. */
  static final UniqueNames PROCESS = new UniqueNames(ProcessHandle.current().pid(), localHostName());

  private static final Pattern MESSAGE =
      Pattern.compile("([0-9]{1,18})\\.M([0-9]{1,6})P([0-9]+)Q[0-9]+\\.([^/:]+)");

  private final long pid;
  private final String host;
  private final AtomicLong counter;

  UniqueNames(long pid, String host) {
    this(pid, host, new AtomicLong());
  }

  private UniqueNames(long pid, String host, AtomicLong counter) {
    this.pid = pid;
    this.host = sanitizeHost(host);
    this.counter = counter;
  }

  /** The same process and counter, naming files with {@code node} instead of the host name. */
  UniqueNames forNode(String node) {
    return new UniqueNames(pid, node, counter);
  }

  /** The kernel's host name: the node name when none is configured. */
  static String hostName() {
    return PROCESS.host;
  }

  /** A fresh name for a file created now. */
  String next() {
    Instant now = Instant.now();
    return now.getEpochSecond() + ".M" + now.getNano() / 1000 + "P" + pid + "Q" + counter.incrementAndGet()
        + "." + host;
  }

  /**
   * A short id for one message, for logs and the Received header: 12 uppercase hex digits made of
   * the low 20 bits of the seconds, the microseconds and the low 8 bits of the counter, as Postfix
   * builds its short queue ids from the time and an inode number. Unique enough to follow one
   * message through the logs; file names, not queue ids, are the identity of a file.
   */
  String nextQueueId() {
    Instant now = Instant.now();
    long value = (now.getEpochSecond() & 0xFFFFF) << 28
        | (long) (now.getNano() / 1000) << 8
        | counter.incrementAndGet() & 0xFF;
    return String.format("%012X", value);
  }

  /**
   * True when {@code name} is a message name made by this class; false for dot files, names of
   * other programs and the companion files ({@code .retry.json}, {@code .reason.json}).
   */
  static boolean isMessage(String name) {
    return !name.endsWith(MaildirLayout.RETRY_SUFFIX)
        && !name.endsWith(MaildirLayout.REASON_SUFFIX)
        && MESSAGE.matcher(name).matches();
  }

  /**
   * Delivery time encoded in a message name, in microseconds since the epoch; empty for names
   * {@link #isMessage} rejects.
   */
  static Optional<Long> deliveredMicros(String name) {
    if (!isMessage(name)) {
      return Optional.empty();
    }
    Matcher m = MESSAGE.matcher(name);
    m.matches();
    return Optional.of(Long.parseLong(m.group(1)) * 1_000_000L + Long.parseLong(m.group(2)));
  }

  /**
   * True when {@code name} was made on this host by a process that no longer runs: its file in
   * tmp/ can never be committed. False when the writer may still be alive (including a new process
   * that reused the pid: then the file waits for the age rule) or the name is not ours.
   */
  boolean writerIsGone(String name) {
    if (!isMessage(name)) {
      return false;
    }
    Matcher m = MESSAGE.matcher(name);
    m.matches();
    long writer;
    try {
      writer = Long.parseLong(m.group(3));
    } catch (NumberFormatException e) {
      return false;
    }
    return m.group(4).equals(host) && ProcessHandle.of(writer).isEmpty();
  }

  /** The Maildir specification's escaping: '/' becomes \057 and ':' becomes \072. */
  static String sanitizeHost(String host) {
    String trimmed = host == null ? "" : host.strip();
    if (trimmed.isEmpty()) {
      trimmed = "localhost";
    }
    return trimmed.replace("/", "\\057").replace(":", "\\072");
  }

  /**
   * The kernel's host name without a DNS lookup (InetAddress.getLocalHost() can stall for seconds
   * on a machine whose resolver is broken, which is when mail must still be accepted).
   */
  private static String localHostName() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
    } catch (IOException | RuntimeException notLinux) {
      String fromEnvironment = System.getenv("HOSTNAME");
      if (fromEnvironment != null && !fromEnvironment.isBlank()) {
        return fromEnvironment;
      }
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException unresolvable) {
        return "localhost";
      }
    }
  }
}
