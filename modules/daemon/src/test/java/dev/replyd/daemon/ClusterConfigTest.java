package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replyd.maildir.Maildir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code node-name}, {@code cluster.peers} and {@code smtp.proxy-protocol}, read and checked by key. */
class ClusterConfigTest {

  @TempDir Path dir;

  private ReplydConfig load(String extra) throws Exception {
    Path f = dir.resolve("replyd.conf");
    Files.writeString(f, "replyd { hostname = \"tracker.example.com\", address.keys = [\"" + ConfigLoaderTest.KEY
        + "\"], storage.root = \"" + dir.resolve("var") + "\", callback { url = \"https://tracker.example.com/hooks/replyd\","
        + " secret = \"" + ConfigLoaderTest.SECRET + "\" }\n" + extra + "\n}", StandardCharsets.UTF_8);
    return ConfigLoader.load(f, Map.of());
  }

  @Test
  void defaultsAreOneNodeNamedAfterTheHostWithoutProxyProtocol() throws Exception {
    ReplydConfig c = load("");

    assertThat(c.cluster().nodeName()).isEqualTo(Maildir.defaultNodeName());
    assertThat(c.cluster().peers()).isEmpty();
    assertThat(c.cluster().proxyProtocol().enabled()).isFalse();
    assertThat(c.cluster().proxyProtocol().headerTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void clusterKeysAreRead() throws Exception {
    ReplydConfig c = load("node-name = mx2, cluster.peers = [MX1.example.com, mx2.example.com],"
        + " smtp.proxy-protocol { enabled = true, trusted = [\"10.0.0.0/24\", \"2001:db8::/64\"], header-timeout = 2s }");

    assertThat(c.cluster().nodeName()).isEqualTo("mx2");
    assertThat(c.cluster().peers()).containsExactly("mx1.example.com", "mx2.example.com");
    assertThat(c.cluster().proxyProtocol().trusted()).containsExactly("10.0.0.0/24", "2001:db8::/64");
    assertThat(c.cluster().proxyProtocol().headerTimeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void badClusterKeysAreReportedByKey() {
    assertThatThrownBy(() -> load("node-name = \"mx/1\", cluster.peers = [\"mx 1\"],"
        + " smtp.proxy-protocol { enabled = true, trusted = [\"lb.example.com\"] }"))
        .isInstanceOf(ConfigProblems.class)
        .satisfies(e -> assertThat(((ConfigProblems) e).problems()).containsExactly(
            "replyd.node-name: 'mx/1' is not a node name (expected: 1-63 letters, digits, '.', '_' or '-',"
                + " starting with a letter or digit, e.g. mx1; empty = the host name)",
            "replyd.cluster.peers: 'mx 1' is not a host name (expected: the name each node's A/AAAA record has,"
                + " e.g. [mx1.example.com, mx2.example.com])",
            "replyd.smtp.proxy-protocol.trusted: \"lb.example.com\" is not a CIDR (expected: address/prefix such as"
                + " 10.0.0.0/8 or 2001:db8::/32, or a single address)"));
  }

  @Test
  void proxyProtocolEnabledWithoutTrustedBalancersIsReported() {
    assertThatThrownBy(() -> load("smtp.proxy-protocol.enabled = true"))
        .isInstanceOf(ConfigProblems.class)
        .hasMessage("replyd.smtp.proxy-protocol.trusted: empty while enabled = true (expected: the load balancers'"
            + " addresses, e.g. [\"10.0.0.0/24\"]; a PROXY header is believed only from them)");
  }

  @Test
  void nodeNameEndsNewMaildirFileNames() throws IOException {
    Maildir maildir = Maildir.open(dir.resolve("var"), "mx2");
    String name = maildir.deliver(new java.io.ByteArrayInputStream("Subject: x\r\n\r\nbody\r\n".getBytes(
        StandardCharsets.US_ASCII)), new byte[0]);
    assertThat(name).matches("[0-9]+\\.M[0-9]+P[0-9]+Q[0-9]+\\.mx2");
  }
}
