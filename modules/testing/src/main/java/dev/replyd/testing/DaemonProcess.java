package dev.replyd.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DaemonProcess - {@code replyd run} as a real child JVM (the test classpath), with its output
 * captured, so a test can SIGKILL it, signal it and start it again on the same storage, as systemd
 * would. The one child-process harness of the project's tests.
 *
 * <p>Contract: the constructor returns once the daemon logged {@code serving: smtp HOST:PORT ...
 * metrics HOST:PORT} (configure SMTP and metrics on port 0: each start gets new ports) and fails
 * with the whole log if it never does. Logging: if the test classpath holds
 * {@code daemon-logback.xml}, the child logs by it; otherwise by the daemon's own configuration.
 * {@link #close()} kills a process still running; a shutdown hook kills it if the test JVM ends
 * first.
 *
 * <p>Thread-safety: the log may be read from any thread; control methods from the test thread.
 */
public final class DaemonProcess implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("serving: smtp ([0-9.]+):(\\d+).*metrics ([0-9.]+):(\\d+)");

  private final Process process;
  /** Kills the child if the test JVM itself is stopped (surefire timeout, Ctrl-C): no orphan daemons. */
  private final Thread killOnExit;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final Thread reader;
  public final int smtpPort;
  public final int metricsPort;

  public DaemonProcess(Path config) throws Exception {
    this(config, List.of());
  }

  /**
   * Starts the daemon with a per-file size limit (RLIMIT_FSIZE, {@code ulimit -f}) of
   * {@code kibibytes}: writing past it fails with EFBIG (the JVM ignores SIGXFSZ), a real write
   * error in the middle of a message file.
   */
  public static DaemonProcess withFileSizeLimit(Path config, int kibibytes) throws Exception {
    return new DaemonProcess(config, List.of("sh", "-c", "ulimit -f " + kibibytes + " && exec \"$@\"", "sh"));
  }

  private DaemonProcess(Path config, List<String> wrapper) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dfile.encoding=UTF-8"));
    String logging = resource("daemon-logback.xml");
    if (logging != null) {
      command.add("-Dlogback.configurationFile=" + logging);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "dev.replyd.daemon.Main", "run", "--config", config.toString()));
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Process started = process;
    killOnExit = new Thread(started::destroyForcibly, "replyd-child-reaper");
    Runtime.getRuntime().addShutdownHook(killOnExit);
    reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          log.add(line);
        }
      } catch (IOException e) {
        log.add("(log reader ended: " + e + ")");
      }
    }, "replyd-child-log");
    reader.setDaemon(true);
    reader.start();
    Matcher m = SERVING.matcher(awaitLog("serving: smtp", Duration.ofSeconds(90)));
    if (!m.find()) {
      throw new AssertionError("unexpected start-up line; log:\n" + log());
    }
    smtpPort = Integer.parseInt(m.group(2));
    metricsPort = Integer.parseInt(m.group(4));
  }

  /** The file of a test-classpath resource, or null if there is none. */
  private static String resource(String name) {
    URL url = Thread.currentThread().getContextClassLoader().getResource(name);
    if (url == null) {
      return null;
    }
    try {
      return Paths.get(url.toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(name, e);
    }
  }

  /** Waits for a log line containing {@code text}, failing with the whole log if none comes. */
  public String awaitLog(String text, Duration timeout) throws InterruptedException {
    Await.within(timeout, () -> line(text) != null || !process.isAlive() && !reader.isAlive());
    String line = line(text);
    if (line != null) {
      return line;
    }
    throw new AssertionError("no log line containing '" + text + "' within " + timeout + "; log:\n" + log());
  }

  /** The first log line containing {@code text}, or null. */
  private String line(String text) {
    for (String line : log) {
      if (line.contains(text)) {
        return line;
      }
    }
    return null;
  }

  /** GET on the metrics endpoint ({@code /metrics}, {@code /readyz}): "STATUS body". */
  public String http(String path) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + metricsPort + path).toURL().openConnection();
    c.setConnectTimeout(5_000);
    c.setReadTimeout(5_000);
    int status = c.getResponseCode();
    try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
      return status + " " + (in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      c.disconnect();
    }
  }

  /**
   * The first {@code /metrics} scrape within {@code timeout} that contains every one of
   * {@code lines}. The daemon counts an event after the log line that announces it, and its
   * storage gauges list the Maildir at most every few seconds, so a test waits for the scrape
   * instead of reading it once after a log line.
   */
  public String awaitMetrics(Duration timeout, String... lines) throws IOException, InterruptedException {
    return awaitMetrics("/metrics with " + String.join(", ", lines), timeout,
        scrape -> Arrays.stream(lines).allMatch(scrape::contains),
        scrape -> "missing: " + Arrays.stream(lines).filter(line -> !scrape.contains(line)).toList());
  }

  /**
   * The first {@code /metrics} scrape within {@code timeout} that {@code holds}; on failure the
   * message has {@code what}, {@code detail} of the last scrape and the daemon's log.
   */
  public String awaitMetrics(String what, Duration timeout, Predicate<String> holds, Function<String, String> detail)
      throws IOException, InterruptedException {
    AtomicReference<String> scrape = new AtomicReference<>("");
    Await.until(what, timeout, () -> {
      scrape.set(http("/metrics"));
      return holds.test(scrape.get());
    }, () -> detail.apply(scrape.get()) + "; log:\n" + log());
    return scrape.get();
  }

  public List<String> logLines() {
    return List.copyOf(log);
  }

  public String log() {
    return String.join("\n", log);
  }

  /** SIGKILL, as the kernel's OOM killer or a power cut would end it: no shutdown hook runs. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Sends SIGTERM and waits for the exit status (null on timeout). */
  public Integer stop(Duration timeout) throws Exception {
    signal("TERM");
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  /** Number of log lines containing {@code text} so far. */
  public long logCount(String text) {
    return log.stream().filter(l -> l.contains(text)).count();
  }

  /** Waits for the process to end by itself: its exit status, or null on timeout. */
  public Integer awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException exiting) {
      // the JVM is already shutting down; the hook runs anyway
    }
  }
}
