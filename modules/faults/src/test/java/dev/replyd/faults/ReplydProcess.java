package dev.replyd.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ReplydProcess - {@code replyd run} as a real child JVM (the test classpath, logging set by
 * {@code daemon-logback.xml}), so a test can SIGKILL it, signal it and start it again on the same
 * storage, as systemd would.
 *
 * <p>Contract: the constructor returns once the daemon logged {@code serving: smtp HOST:PORT ...
 * metrics HOST:PORT} (SMTP and metrics on port 0: each start gets new ports) and fails with the
 * whole log if it never does. {@link #close()} kills a process still running.
 *
 * <p>Thread-safety: the log may be read from any thread; control methods from the test thread.
 */
final class ReplydProcess implements AutoCloseable {
  static final String KEY = "faults test address key 0123456789abcdef";
  static final String HOSTNAME = "tracker.test";
  static final String REPLY_DOMAIN = "reply.tracker.test";
  private static final Pattern SERVING = Pattern.compile("serving: smtp ([0-9.]+):(\\d+).*metrics ([0-9.]+):(\\d+)");

  private final Process process;
  /** Kills the child if the test JVM itself is stopped (surefire timeout, Ctrl-C): no orphan daemons. */
  private final Thread killOnExit;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final Thread reader;
  final int smtpPort;
  final int metricsPort;

  ReplydProcess(Path config) throws Exception {
    this(config, List.of());
  }

  /**
   * Starts the daemon with a per-file size limit (RLIMIT_FSIZE, {@code ulimit -f}) of
   * {@code kibibytes}: writing past it fails with EFBIG (the JVM ignores SIGXFSZ), a real write
   * error in the middle of a message file.
   */
  static ReplydProcess withFileSizeLimit(Path config, int kibibytes) throws Exception {
    return new ReplydProcess(config, List.of("sh", "-c", "ulimit -f " + kibibytes + " && exec \"$@\"", "sh"));
  }

  private ReplydProcess(Path config, List<String> wrapper) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dlogback.configurationFile=" + resource("daemon-logback.xml"),
        "-cp", System.getProperty("java.class.path"),
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

  /**
   * Writes (atomically) a daemon configuration for {@code root}, posting to {@code app}, with
   * {@code extra} HOCON lines appended inside {@code replyd { }} (later keys win).
   */
  static Path writeConfig(Path dir, Path root, MainApp app, String extra) throws IOException {
    String conf = "replyd {\n"
        + "  hostname = " + HOSTNAME + "\n"
        + "  address.keys = [\"" + KEY + "\"]\n"
        + "  smtp { bind = 127.0.0.1, port = 0 }\n"
        + "  metrics { bind = 127.0.0.1, port = 0 }\n"
        + "  storage { root = \"" + root + "\", min-free = 1MiB }\n"
        + "  processor.threads = 2\n"
        + "  callback { url = \"" + app.url() + "\", secret = \"" + MainApp.SECRET + "\", timeout = 5s }\n"
        + "  shutdown.grace = 5s\n"
        + extra + "\n"
        + "}\n";
    Path file = dir.resolve("replyd.conf");
    Path tmp = dir.resolve("replyd.conf.new");
    Files.writeString(tmp, conf);
    return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String resource(String name) {
    try {
      return Paths.get(ReplydProcess.class.getResource("/" + name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(name, e);
    }
  }

  /** Waits for a log line containing {@code text}, failing with the whole log if none comes. */
  String awaitLog(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : log) {
        if (line.contains(text)) {
          return line;
        }
      }
      if (!process.isAlive() && !reader.isAlive()) {
        break;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no log line containing '" + text + "' within " + timeout + "; log:\n" + log());
  }

  /** GET on the metrics endpoint ({@code /metrics}, {@code /readyz}): "STATUS body". */
  String http(String path) throws IOException {
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

  List<String> logLines() {
    return List.copyOf(log);
  }

  String log() {
    return String.join("\n", log);
  }

  /** SIGKILL, as the kernel's OOM killer or a power cut would end it: no shutdown hook runs. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Sends SIGTERM and waits for the exit status (null on timeout). */
  Integer stop(Duration timeout) throws Exception {
    signal("TERM");
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
