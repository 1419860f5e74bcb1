package dev.replyd.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code replyd run} as a real child process (same classpath as the tests), with its log captured,
 * so tests can send it signals as systemd would. Always {@link #close()} it.
 */
final class DaemonProcess implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("serving: smtp ([0-9.]+):(\\d+).*metrics ([0-9.]+):(\\d+)");

  private final Process process;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final Thread reader;
  final int smtpPort;
  final int metricsPort;

  DaemonProcess(Path config) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    process = new ProcessBuilder(java, "-Xmx256m", "-Dfile.encoding=UTF-8", "-cp", System.getProperty("java.class.path"),
        "dev.replyd.daemon.Main", "run", "--config", config.toString())
        .redirectErrorStream(true).start();
    reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          log.add(line);
        }
      } catch (IOException e) {
        log.add("(log reader ended: " + e + ")");
      }
    }, "daemon-log");
    reader.setDaemon(true);
    reader.start();
    String line = awaitLog("serving: smtp", Duration.ofSeconds(60));
    Matcher m = SERVING.matcher(line);
    if (!m.find()) {
      throw new AssertionError("unexpected start-up line: " + line);
    }
    smtpPort = Integer.parseInt(m.group(2));
    metricsPort = Integer.parseInt(m.group(4));
  }

  /** Waits for a log line containing {@code text}, failing with the whole log if it never comes. */
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
    throw new AssertionError("no log line containing '" + text + "' within " + timeout + "; log:\n" + String.join("\n", log));
  }

  long logCount(String text) {
    return log.stream().filter(l -> l.contains(text)).count();
  }

  String log() {
    return String.join("\n", log);
  }

  void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + name + " failed");
    }
  }

  Integer awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
