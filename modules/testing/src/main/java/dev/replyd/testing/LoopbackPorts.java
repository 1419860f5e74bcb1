package dev.replyd.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * LoopbackPorts - a free loopback port that stays free until someone binds it by number: for a test
 * server that stops and must listen on the same port again (a main app that goes down and comes
 * back, a cluster node that restarts), for a child process told which port to listen on, and for a
 * port that must refuse connections (a relay or main app that is down). The port is free for both
 * TCP and UDP, so a DNS server (dnsmasq binds both) can use it too.
 *
 * <p>Why not bind to port 0: the kernel hands such ports out of its ephemeral range, the range it
 * takes every other port 0 bind (a daemon restarted by the same test binds its SMTP and metrics
 * ports so) and the source port of every outgoing connection from. While the server is down, any of
 * them can be given its port, and the server cannot listen again ("Address already in use"). The
 * kernel never hands out a port outside its ephemeral range, so such a port stays free for the
 * server's return (and keeps refusing connections while nobody listens).
 *
 * <p>Contract: {@link #free()} returns a port to which no TCP or UDP socket was bound when it
 * was checked, outside the ephemeral range read from {@code /proc/sys/net/ipv4/ip_local_port_range}
 * (Linux's default 32768-60999 where that file cannot be read). Thread-safety: stateless.
 */
public final class LoopbackPorts {
  private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int DEFAULT_LOW = 32768;
  private static final int DEFAULT_HIGH = 60999;
  /** Ports below this are left to system services. */
  private static final int LOWEST = 10000;
  private static final int ATTEMPTS = 100;

  private LoopbackPorts() {
  }

  /** A loopback port no TCP or UDP socket is bound to, outside the kernel's ephemeral range. */
  public static int free() throws IOException {
    int[] ephemeral = ephemeralRange();
    int below = Math.max(ephemeral[0] - LOWEST, 0);
    int above = Math.max(65535 - ephemeral[1], 0);
    if (below + above == 0) {
      throw new IOException("no port outside the ephemeral range " + ephemeral[0] + "-" + ephemeral[1]
          + " (" + RANGE + ") above " + LOWEST);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < ATTEMPTS; i++) {
      int offset = random.nextInt(below + above);
      int candidate = offset < below ? LOWEST + offset : ephemeral[1] + 1 + offset - below;
      if (bindable(candidate)) {
        return candidate;
      }
    }
    throw new IOException("no free loopback port outside the ephemeral range after " + ATTEMPTS + " tries");
  }

  private static boolean bindable(int port) {
    try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
         DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /** The kernel's ephemeral port range, low and high. */
  static int[] ephemeralRange() {
    try {
      String[] fields = Files.readString(RANGE, StandardCharsets.US_ASCII).trim().split("\\s+");
      return new int[] {Integer.parseInt(fields[0]), Integer.parseInt(fields[1])};
    } catch (IOException | RuntimeException unreadable) {
      return new int[] {DEFAULT_LOW, DEFAULT_HIGH};
    }
  }
}
