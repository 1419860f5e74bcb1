package dev.replyd.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.testing.Await;
import dev.replyd.testing.DaemonProcess;
import dev.replyd.testing.LoopbackPorts;
import dev.replyd.testing.RecordingMainApp;
import dev.replyd.testing.SmtpClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three replyd nodes behind HAProxy (TCP mode, {@code send-proxy-v2}), each a real daemon process
 * with its own storage, posting to one main app: one node is SIGKILLed under load and restarted,
 * another is drained with SIGTERM. Every message that got a 250 reaches the main app; a message
 * posted twice carries one message_key; the drain refuses and loses nothing.
 *
 * <p>Short: 3 sessions, 2 x 60 messages. Soak: 6 sessions, 2 x 1,000 messages.
 */
class HaproxyClusterTest extends DaemonHarness {

  private final List<DaemonProcess> nodes = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicReference<Throwable> loadFailure = new java.util.concurrent.atomic.AtomicReference<>();
  private Haproxy haproxy;

  @AfterEach
  void stopNodesAndHaproxy() throws Exception {
    if (haproxy != null) {
      haproxy.close();
    }
    for (DaemonProcess node : nodes) {
      node.close();
    }
  }

  @Test
  void killedAndDrainedNodesBehindHaproxyLoseNoAcknowledgedMailAndDuplicatesShareTheirMessageKey() throws Exception {
    // given: three nodes on fixed ports (a restarted node comes back where HAProxy expects it)
    assertThat(Haproxy.BINARY).as("haproxy (apt-get install haproxy)").isExecutable();
    int sessions = Soak.size(3, 6);
    int perPhase = Soak.size(60, 1_000);
    List<Path> configs = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      Path nodeDir = Files.createDirectories(dir.resolve("node" + i));
      int port = LoopbackPorts.free();
      ports.add(port);
      configs.add(DaemonHarness.writeConfig(nodeDir, nodeDir.resolve("var"), app, "node-name = node" + i + "\n"
          + "  smtp { port = " + port + ", proxy-protocol { enabled = true, trusted = [\"127.0.0.1/32\"] } }\n"
          + "  shutdown.grace = 30s"));
      nodes.add(new DaemonProcess(configs.get(i - 1)));
    }
    haproxy = new Haproxy(dir, ports);
    ReplyAddressCodec codec = DaemonHarness.codec();

    // when: phase 1, node 2 is SIGKILLed mid-load and started again on its storage
    LoadClient killPhase = new LoadClient(codec, () -> haproxy.port, perPhase, sessions, Duration.ofMinutes(5));
    Thread load = killPhase.runInBackground("cluster-load", loadFailure);
    Thread phase1 = load;
    await("a third of phase 1 acknowledged", () -> killPhase.acknowledged.size() >= perPhase / 3 || !phase1.isAlive());
    nodes.get(1).kill9();
    nodes.set(1, new DaemonProcess(configs.get(1)));
    load.join(Duration.ofMinutes(10).toMillis());
    assertThat(loadFailure.get()).as("phase 1 load client failure").isNull();

    // phase 2: node 3 is drained with SIGTERM mid-load
    LoadClient drainPhase = new LoadClient(codec, () -> haproxy.port, 2 * perPhase, sessions, Duration.ofMinutes(5));
    for (int i = 0; i < perPhase; i++) {
      drainPhase.skip();
    }
    load = drainPhase.runInBackground("cluster-load", loadFailure);
    Thread phase2 = load;
    await("a third of phase 2 acknowledged", () -> drainPhase.acknowledged.size() >= perPhase / 3 || !phase2.isAlive());
    assertThat(nodes.get(2).stop(Duration.ofMinutes(2))).as("drained node's exit status; log:\n%s", nodes.get(2).log())
        .isZero();
    load.join(Duration.ofMinutes(10).toMillis());
    assertThat(loadFailure.get()).as("phase 2 load client failure").isNull();
    nodes.set(2, new DaemonProcess(configs.get(2))); // what it stored but had not posted goes out now
    // a sender that lost the 250 and retried: the same message twice, on two connections
    long retried = 1_000_000;
    for (int attempt = 0; attempt < 2; attempt++) {
      try (SmtpClient smtp = new SmtpClient(haproxy.port, 30_000)) {
        assertThat(smtp.send("EHLO retry.client.test")).startsWith("250");
        assertThat(smtp.send("MAIL FROM:<sender@client.test>")).startsWith("250");
        assertThat(smtp.send("RCPT TO:<" + codec.mint(new dev.replyd.address.ReplyToken("i", retried, 1)) + ">"))
            .startsWith("250");
        assertThat(smtp.send("DATA")).startsWith("354");
        smtp.write(LoadClient.body(retried));
        assertThat(smtp.send(".")).startsWith("250");
      }
    }

    // then
    Set<Long> acknowledged = new HashSet<>(killPhase.acknowledged);
    acknowledged.addAll(drainPhase.acknowledged);
    await("every acknowledged message posted", () -> app.acceptedPerThread().keySet().containsAll(acknowledged)
        && app.acceptedPerThread().getOrDefault(retried, 0) == 2);
    Map<Long, Set<String>> keysPerThread = app.accepted().stream().collect(
        Collectors.groupingBy(RecordingMainApp.Request::thread,
        Collectors.mapping(RecordingMainApp.Request::messageKey, Collectors.toSet())));
    long duplicates = app.accepted().size() - keysPerThread.size();
    Soak.report("haproxy-cluster", "nodes=3 sessions=" + sessions + " phase1 sent=" + killPhase.sent.size()
        + " acked=" + killPhase.acknowledged.size() + " broken=" + killPhase.brokenSessions.get()
        + " phase2 sent=" + drainPhase.sent.size() + " acked=" + drainPhase.acknowledged.size()
        + " refusals=" + drainPhase.refusals.get() + " posts=" + app.accepted().size() + " duplicates=" + duplicates);
    assertThat(keysPerThread).allSatisfy((thread, keys) -> assertThat(keys).as("message_key of thread %d", thread)
        .hasSize(1).allMatch(key -> key != null && key.matches("[0-9a-f]{64}")));
    assertThat(killPhase.sent.size() - killPhase.acknowledged.size())
        .as("only messages in flight when the node was killed went unacknowledged").isLessThanOrEqualTo(sessions);
    assertThat(drainPhase.acknowledged).as("the drain refused or lost nothing").hasSize(perPhase);
    assertThat(app.accepted()).extracting(RecordingMainApp.Request::deliveryId)
        .allMatch(id -> id.matches(".*\\.node[123]"), "a delivery id ending in its node's name");
    assertThat(app.answeredWith(401)).isZero();
    assertThat(app.accepted().stream().filter(p -> p.thread() == retried).map(RecordingMainApp.Request::deliveryId).distinct())
        .as("the retried message: two stored copies, one message_key").hasSize(2);
  }

  @Test
  void forgedProxyHeaderSentStraightToANodeFromAnUntrustedAddressIsRefused() throws Exception {
    // given: a node that trusts only 127.0.0.1 as its balancer
    Path nodeDir = Files.createDirectories(dir.resolve("node"));
    DaemonProcess node = new DaemonProcess(DaemonHarness.writeConfig(nodeDir, nodeDir.resolve("var"), app,
        "smtp.proxy-protocol { enabled = true, trusted = [\"127.0.0.1/32\"] }"));
    nodes.add(node);

    // when: a client on 127.0.0.2 claims to be 192.0.2.66
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress("127.0.0.2", 0));
      socket.connect(new InetSocketAddress("127.0.0.1", node.smtpPort));
      socket.setSoTimeout(30_000);
      byte[] greeting = new byte[512];
      int n = socket.getInputStream().read(greeting);
      assertThat(new String(greeting, 0, n, StandardCharsets.US_ASCII)).startsWith("220 ");
      socket.getOutputStream().write("PROXY TCP4 192.0.2.66 127.0.0.1 40000 25\r\nEHLO forged.test\r\n"
          .getBytes(StandardCharsets.US_ASCII));

      // then: closed without another byte
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    node.awaitLog("warning: PROXY protocol: header from an untrusted address (not in smtp.proxy-protocol.trusted)"
        + " from unknown[127.0.0.2]; connection closed", Duration.ofSeconds(30));
    assertThat(node.log()).doesNotContain("192.0.2.66");
  }

  private static void await(String what, Await.Condition<RuntimeException> condition) throws InterruptedException {
    Await.until(what, Duration.ofMinutes(Soak.ON ? 30 : 3), condition);
  }
}
