package dev.replyd.faults;

import dev.replyd.testing.Await;
import dev.replyd.testing.LoopbackPorts;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Haproxy - HAProxy (Debian package haproxy, installed by scripts/test) as a child process in TCP
 * mode on a loopback port, passing each client to one of the given loopback SMTP ports with the PROXY
 * protocol v2 header ({@code send-proxy-v2}), as it would sit in front of replyd nodes.
 *
 * <p>Contract: the constructor writes {@code haproxy.cfg} into {@code dir} (kept for the report),
 * starts {@code haproxy -db} and returns once the frontend accepts connections. Servers are checked by
 * TCP connect every 300 ms; a failed connect is retried and redispatched to another server
 * ({@code retries}, {@code option redispatch}), so a node that died or closed its listener costs a
 * client nothing but a broken session it already had. {@link #close()} stops it.
 *
 * <p>Thread-safety: construct and close from the test thread; {@link #port} is immutable.
 */
final class Haproxy implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/sbin/haproxy");

  private final Process process;
  final int port;

  Haproxy(Path dir, List<Integer> servers) throws Exception {
    port = LoopbackPorts.free();
    StringBuilder cfg = new StringBuilder()
        .append("global\n  maxconn 512\n\n")
        .append("defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 2m\n  timeout server 2m\n")
        .append("  retries 3\n  option redispatch\n\n")
        .append("frontend smtp\n  bind 127.0.0.1:").append(port).append("\n  default_backend replyd\n\n")
        .append("backend replyd\n  balance roundrobin\n");
    for (int i = 0; i < servers.size(); i++) {
      cfg.append("  server node").append(i + 1).append(" 127.0.0.1:").append(servers.get(i))
          .append(" send-proxy-v2 check inter 300ms fall 1 rise 2\n");
    }
    Path file = dir.resolve("haproxy.cfg");
    Files.writeString(file, cfg.toString(), StandardCharsets.US_ASCII);
    process = new ProcessBuilder(BINARY.toString(), "-db", "-f", file.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
    AtomicBoolean listening = new AtomicBoolean();
    Await.within(Duration.ofSeconds(30), () -> {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        listening.set(true);
      } catch (IOException notYet) {
        // not listening yet
      }
      return listening.get() || !process.isAlive();
    });
    if (!listening.get()) {
      throw new AssertionError("haproxy did not start; its output:\n"
          + Files.readString(dir.resolve("haproxy.log"), StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
