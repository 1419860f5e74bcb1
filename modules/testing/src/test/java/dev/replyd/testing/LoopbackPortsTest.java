package dev.replyd.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
  private static final byte[] SECRET = "loopback-ports-test-secret".getBytes(StandardCharsets.UTF_8);

  @Test
  void aFreePortIsBindableForTcpAndUdpAndOutsideTheEphemeralRange() throws IOException {
    for (int i = 0; i < 20; i++) {
      int port = LoopbackPorts.free();
      assertOutsideTheEphemeralRange(port);
      try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
           DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
        assertThat(server.getLocalPort()).isEqualTo(port);
        assertThat(udp.getLocalPort()).isEqualTo(port);
      }
    }
  }

  @Test
  void aMainAppThatWentDownListensOnItsPortAgainAfterOtherServersBoundToPortZero() throws IOException {
    // given: a main app that went down
    try (RecordingMainApp app = RecordingMainApp.start(SECRET)) {
      int port = app.port();
      assertOutsideTheEphemeralRange(port);
      app.down();

      // when: other servers bind to port 0 meanwhile (as a daemon restarted by the test does) and
      // keep their ports while the main app comes back
      List<ServerSocket> others = new ArrayList<>();
      try {
        for (int i = 0; i < 2_000; i++) {
          others.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        }
        app.up();

        // then
        assertThat(others).extracting(ServerSocket::getLocalPort).doesNotContain(port);
        assertThat(app.port()).isEqualTo(port);
      } finally {
        for (ServerSocket other : others) {
          other.close();
        }
      }
    }
  }

  private static void assertOutsideTheEphemeralRange(int port) {
    int[] ephemeral = LoopbackPorts.ephemeralRange();
    assertThat(port < ephemeral[0] || port > ephemeral[1])
        .as("port %d outside the ephemeral range %d-%d", port, ephemeral[0], ephemeral[1]).isTrue();
  }
}
