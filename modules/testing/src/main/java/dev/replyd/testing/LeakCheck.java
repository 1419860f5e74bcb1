package dev.replyd.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * LeakCheck - fails a test that leaves something behind, the way OkHttpClientTestRule fails a test
 * that leaks connections. What it checks is chosen per test class:
 *
 * <ul>
 *   <li>{@link #watchTmp}: files in a Maildir's {@code tmp/} directory (every delivery must end
 *       committed, file moved to {@code new/}, or aborted, file removed);
 *   <li>{@link #threads}: threads started during the test that are still alive after its
 *       {@code @AfterEach} methods: every non-daemon thread, and every thread whose name starts
 *       with one of the given prefixes (daemon or not; those are checked even if they were alive
 *       before the test);
 *   <li>{@link #listeningPorts}: TCP ports this JVM started listening on during the test and
 *       still listens on (read from {@code /proc/net/tcp} and {@code /proc/self/fd}, Linux only).
 * </ul>
 *
 * <pre>
 * &#64;RegisterExtension final LeakCheck leaks = LeakCheck.threads("replyd-smtp").listeningPorts();
 * &#64;BeforeEach void open() { maildir = Maildir.open(root); leaks.watchTmp(maildir.root().resolve(MaildirLayout.TMP)); }
 * </pre>
 *
 * <p>Its snapshot is taken before the test's {@code @BeforeEach} methods and its check runs after
 * the test's {@code @AfterEach} methods and before JUnit removes the {@code @TempDir}. Threads and
 * ports get a generous grace period to end (a stopped event loop ends its thread just after its
 * termination future completes), so the check does not depend on the machine's speed.
 *
 * <p>Thread-safety: confined to the thread running one test at a time (no parallel test execution).
 */
public final class LeakCheck implements BeforeEachCallback, AfterEachCallback {
  /** Long enough for a busy 2-core machine; a real leak is still alive after any wait. */
  private static final long GRACE_NANOS = 20_000_000_000L;

  private long graceNanos = GRACE_NANOS;
  private final List<Path> tmpDirs = new ArrayList<>();
  private final boolean checkThreads;
  private final List<String> threadPrefixes;
  private boolean checkPorts;
  private Set<Thread> threadsBefore = Set.of();
  private Set<String> portsBefore = Set.of();

  private LeakCheck(boolean checkThreads, List<String> threadPrefixes) {
    this.checkThreads = checkThreads;
    this.threadPrefixes = threadPrefixes;
  }

  /** Checks only what {@link #watchTmp} and {@link #listeningPorts} add. */
  public static LeakCheck tmpFiles() {
    return new LeakCheck(false, List.of());
  }

  /** Checks threads: new non-daemon ones, and any named with one of {@code prefixes}. */
  public static LeakCheck threads(String... prefixes) {
    return new LeakCheck(true, List.of(prefixes));
  }

  /** Also checks the TCP ports this JVM listens on. */
  public LeakCheck listeningPorts() {
    checkPorts = true;
    return this;
  }

  /** A shorter grace period, for this class's own tests (which wait it out on purpose). */
  LeakCheck graceMillis(long millis) {
    graceNanos = millis * 1_000_000;
    return this;
  }

  /** Fails this test if {@code tmpDir} (a Maildir's {@code tmp/}) holds any file after it. */
  public void watchTmp(Path tmpDir) {
    tmpDirs.add(tmpDir);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    threadsBefore = checkThreads ? new HashSet<>(Thread.getAllStackTraces().keySet()) : Set.of();
    portsBefore = checkPorts ? listening() : Set.of();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    List<String> problems = new ArrayList<>();
    List<Path> left = new ArrayList<>();
    for (Path tmp : tmpDirs) {
      try (Stream<Path> files = Files.list(tmp)) {
        files.forEach(left::add);
      }
    }
    tmpDirs.clear();
    if (!left.isEmpty()) {
      problems.add("left " + left.size()
          + " file(s) in tmp/ (expected: every delivery committed or closed): " + left);
    }
    long deadline = System.nanoTime() + graceNanos;
    if (checkThreads) {
      List<Thread> alive = leftoverThreads();
      for (Thread thread : alive) {
        thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
      List<String> names = leftoverThreads().stream().map(Thread::getName).sorted().toList();
      if (!names.isEmpty()) {
        problems.add("left " + names.size() + " thread(s) running: " + names);
      }
    }
    if (checkPorts) {
      Await.within(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), () -> openedPorts().isEmpty());
      Set<String> opened = openedPorts();
      if (!opened.isEmpty()) {
        problems.add("left " + opened.size() + " port(s) listening: " + opened);
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(context.getDisplayName() + " " + String.join("; ", problems));
    }
  }

  private List<Thread> leftoverThreads() {
    List<Thread> left = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (!thread.isAlive() || thread == Thread.currentThread()) {
        continue;
      }
      boolean named = threadPrefixes.stream().anyMatch(thread.getName()::startsWith);
      if (named || (!thread.isDaemon() && !threadsBefore.contains(thread))) {
        left.add(thread);
      }
    }
    return left;
  }

  private Set<String> openedPorts() throws IOException {
    Set<String> now = listening();
    now.removeAll(portsBefore);
    return now;
  }

  /** "address:port" of every TCP socket this process listens on. */
  private static Set<String> listening() throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor was closed while listing: not a socket we hold
        }
      }
    }
    Set<String> ports = new TreeSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Paths.get(table);
      if (!Files.isReadable(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
          String local = f[1];
          int colon = local.lastIndexOf(':');
          ports.add(address(local.substring(0, colon)) + ":" + Integer.parseInt(local.substring(colon + 1), 16));
        }
      }
    }
    return ports;
  }

  /** The kernel's hex address (each 32-bit word in host byte order, little-endian here) as text. */
  private static String address(String hex) throws IOException {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        bytes[word + i] = (byte) Integer.parseInt(hex.substring((word + 3 - i) * 2, (word + 3 - i) * 2 + 2), 16);
      }
    }
    return InetAddress.getByAddress(bytes).getHostAddress();
  }
}
