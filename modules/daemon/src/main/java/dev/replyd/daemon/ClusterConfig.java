package dev.replyd.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.replyd.maildir.Maildir;
import dev.replyd.smtp.ProxyProtocolSettings;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What one node needs to know to run beside others: its name, its peers, and whether a load
 * balancer in front of it speaks the PROXY protocol.
 *
 * <p>Contract: {@link #read} reads {@code replyd.node-name}, {@code replyd.cluster.peers} and
 * {@code replyd.smtp.proxy-protocol.*}, recording each problem by key in the collector (the PROXY
 * settings are checked by their own constructor, which names the key). An empty node name means the
 * kernel's host name, the name Maildir file names carried before node names existed.
 *
 * <p>Thread-safety: immutable.
 *
 * @param nodeName this node's name, in every Maildir file name and so in every {@code delivery_id}
 *     [replyd.node-name]
 * @param peers host names of all nodes that receive mail for the reply domain, for
 *     {@code replyd diagnose} [replyd.cluster.peers]
 * @param proxyProtocol [replyd.smtp.proxy-protocol]
 * @param drainDelay on SIGTERM, how long {@code /readyz} says "draining" while mail is still accepted,
 *     before the SMTP listener closes [replyd.shutdown.drain-delay]
 */
record ClusterConfig(String nodeName, List<String> peers, ProxyProtocolSettings proxyProtocol, Duration drainDelay) {

  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,62})");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");

  static ClusterConfig read(Config c, ConfigProblems.Collector problems) {
    String nodeName = string(c, "node-name", problems);
    if (nodeName == null || nodeName.isBlank()) {
      nodeName = Maildir.defaultNodeName();
    } else if (!NODE_NAME.matcher(nodeName.strip()).matches()) {
      problems.add("node-name", "'" + nodeName + "' is not a node name (expected: 1-63 letters, digits, '.', '_'"
          + " or '-', starting with a letter or digit, e.g. mx1; empty = the host name)");
    }
    List<String> peers = List.of();
    try {
      peers = c.getStringList("cluster.peers").stream().map(p -> p.strip().toLowerCase(Locale.ROOT)).toList();
      for (String peer : peers) {
        if (!HOST.matcher(peer).matches()) {
          problems.add("cluster.peers", "'" + peer + "' is not a host name (expected: the name each node's"
              + " A/AAAA record has, e.g. [mx1.example.com, mx2.example.com])");
        }
      }
    } catch (ConfigException e) {
      problems.add("cluster.peers", "is not a list of host names (expected: e.g. [mx1.example.com, mx2.example.com])");
    }
    ProxyProtocolSettings proxy = ProxyProtocolSettings.off();
    try {
      proxy = new ProxyProtocolSettings(c.getBoolean("smtp.proxy-protocol.enabled"),
          c.getStringList("smtp.proxy-protocol.trusted"), c.getDuration("smtp.proxy-protocol.header-timeout"));
    } catch (ConfigException e) {
      problems.add("smtp.proxy-protocol", e.getMessage().replaceFirst("^.*?: ", "")
          + " (expected: enabled = true|false, trusted = [CIDRs], header-timeout = a duration such as 5s)");
    } catch (IllegalArgumentException e) {
      problems.addTopLevel(e.getMessage());
    }
    Duration drainDelay = Duration.ZERO;
    try {
      drainDelay = c.getDuration("shutdown.drain-delay");
      if (drainDelay.isNegative() || drainDelay.compareTo(Duration.ofMinutes(5)) > 0) {
        problems.add("shutdown.drain-delay", drainDelay + " (expected: 0s to 5m; a few health-check intervals"
            + " of the balancer, e.g. 10s; 0s = close the listener at once)");
        drainDelay = Duration.ZERO;
      }
    } catch (ConfigException e) {
      problems.add("shutdown.drain-delay", "is not a duration (expected: e.g. 10s; 0s = close the listener at once)");
    }
    return new ClusterConfig(nodeName == null ? "" : nodeName.strip(), peers, proxy, drainDelay);
  }

  private static String string(Config c, String key, ConfigProblems.Collector problems) {
    try {
      return c.getString(key);
    } catch (ConfigException e) {
      problems.add(key, "is not a string (expected: a node name such as mx1)");
      return null;
    }
  }
}
