package dev.replyd.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Name;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real dnsmasq on 127.0.0.1 at a free port ({@link LoopbackPorts}), serving only the records given on its command line,
 * for all tests of one class: the real DNS server of the project's tests (the in-process
 * {@link LoopbackDnsServer} serves tests that need silence, failing names or slow answers):
 *
 * <pre>
 * &#64;RegisterExtension static final LocalDnsmasq dns = LocalDnsmasq.serving("--local=/tracker.test/", ...);
 * </pre>
 *
 * <p>It starts before the class's first test, in a temporary directory of its own (its log); when the
 * {@code dnsmasq} binary is absent the class is skipped with a message naming the Debian package. After
 * the class's last test it stops the process, waits for it, and removes the directory.
 *
 * <p>Thread-safety: confined to the test class that registers it (no parallel test execution).
 */
public final class LocalDnsmasq implements BeforeAllCallback, AfterAllCallback {

  private static final List<String> CANDIDATES = List.of("/usr/sbin/dnsmasq", "/usr/bin/dnsmasq");

  private final List<String> records;
  private Path workDir;
  private Process process;
  private int port;
  private Path log;

  private LocalDnsmasq(List<String> records) {
    this.records = records;
  }

  /** dnsmasq with these record options ({@code --host-record=...}, {@code --mx-host=...}, ...). */
  public static LocalDnsmasq serving(String... records) {
    return new LocalDnsmasq(List.of(records));
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
    String binary = CANDIDATES.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
    Assumptions.assumeTrue(binary != null,
        "dnsmasq not installed (apt-get install dnsmasq): DNS checks against a real server are skipped");
    workDir = Files.createTempDirectory("replyd-dnsmasq");
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      port = LoopbackPorts.free();
      log = workDir.resolve("dnsmasq-" + port + ".log");
      List<String> command = new ArrayList<>(List.of(binary, "--keep-in-foreground", "--no-resolv",
          "--no-hosts", "--conf-file=/dev/null", "--port=" + port, "--listen-address=127.0.0.1",
          "--bind-interfaces", "--pid-file", "--log-facility=-", "--log-queries"));
      command.addAll(records);
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (awaitAnswering(Duration.ofSeconds(5))) {
        return;
      }
      stop();
      last = new IOException("dnsmasq did not answer on port " + port + ": "
          + Files.readString(log, StandardCharsets.UTF_8));
    }
    throw last;
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  public String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  private boolean awaitAnswering(Duration limit) throws IOException, InterruptedException {
    SimpleResolver resolver = new SimpleResolver(address());
    resolver.setTimeout(Duration.ofMillis(200));
    AtomicBoolean answered = new AtomicBoolean();
    Await.within(limit, () -> {
      try {
        // Any answer, even REFUSED for this name outside every zone, means dnsmasq is listening.
        resolver.send(Message.newQuery(Record.newRecord(Name.fromString("probe.invalid."), Type.A, DClass.IN)));
        answered.set(true);
      } catch (IOException notYet) {
        // not listening yet
      }
      return answered.get() || !process.isAlive();
    });
    return answered.get();
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (process != null) {
      stop();
    }
    if (workDir != null) {
      try (Stream<Path> files = Files.walk(workDir)) {
        for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
          Files.delete(file);
        }
      }
    }
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
