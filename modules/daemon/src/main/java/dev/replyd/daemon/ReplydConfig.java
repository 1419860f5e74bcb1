package dev.replyd.daemon;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The validated configuration of one replyd instance (contract 4), built only by {@link ConfigLoader}.
 *
 * <p>Every value here has been checked: ports are in range, sizes positive, keys long enough, files
 * readable. Secrets are held as bytes and never printed: {@link #toString()} of the records that
 * hold them redacts them, so a config object can be logged.
 *
 * <p>Thread-safety: immutable (the byte arrays are private copies nobody writes to).
 */
record ReplydConfig(
    Path source,
    String hostname,
    Address address,
    Noreply noreply,
    Smtp smtp,
    Storage storage,
    Processor processor,
    Callback callback,
    Metrics metrics,
    Outbound outbound,
    Notices notices,
    Diagnostics diagnostics,
    Duration shutdownGrace,
    String support) {

  record Address(String prefix, String replyDomain, List<String> kinds, List<byte[]> keys) {
    @Override
    public String toString() {
      return "Address[prefix=" + prefix + ", replyDomain=" + replyDomain + ", kinds=" + kinds
          + ", keys=<" + keys.size() + " redacted>]";
    }
  }

  record Noreply(String address, boolean discard) {}

  record Smtp(
      String bind,
      int port,
      long maxMessageSize,
      int maxRecipients,
      int maxConnections,
      int maxConnectionsPerIp,
      Duration idleTimeout,
      Duration sessionTimeout,
      int maxErrors,
      int ioThreads,
      Duration inFlowDelay,
      int inFlowBacklog,
      Path tlsCert,
      Path tlsKey) {
    boolean tlsEnabled() {
      return tlsCert != null && tlsKey != null;
    }
  }

  record Storage(Path root, long minFree, Duration retention) {}

  record Processor(boolean enabled, int threads, long maxMessageSize, List<String> markers, SenderChecks senderChecks) {}

  record SenderChecks(boolean enabled, String requireDmarc, List<java.net.InetSocketAddress> dnsServers, Duration timeout) {}

  /**
   * {@code secret} is the first signing secret (the diagnose ping uses it); {@code signing} is the scheme and
   * every secret, null only while the configuration has problems.
   */
  record Callback(URI url, byte[] secret, Duration timeout, Duration maxAge, Duration retryBaseDelay, Duration retryMaxDelay,
      long maxAttachmentBytes, CallbackSigningConfig.Signing signing) {
    /** Signs each callback with every secret in the configured scheme. */
    dev.replyd.address.WebhookSigner signer() {
      return dev.replyd.address.WebhookSigner.of(signing.scheme(), signing.secrets());
    }

    @Override
    public String toString() {
      return "Callback[url=" + url + ", secret=<redacted>, signature=" + (signing == null ? null : signing.scheme().configName())
          + ", timeout=" + timeout + ", maxAge=" + maxAge
          + ", retryBaseDelay=" + retryBaseDelay + ", retryMaxDelay=" + retryMaxDelay + ", maxAttachmentBytes=" + maxAttachmentBytes + "]";
    }
  }

  record Metrics(String bind, int port) {}

  record Outbound(String host, int port, String heloDomain, String security, String auth, String username,
      byte[] password, String from) {
    /** The settings as the outbound module takes them (security and auth already validated). */
    dev.replyd.outbound.Outbound toOutbound() {
      return new dev.replyd.outbound.Outbound(host, port, heloDomain,
          dev.replyd.outbound.Outbound.Security.valueOf(security.toUpperCase(java.util.Locale.ROOT)),
          dev.replyd.outbound.Outbound.Auth.valueOf(auth.toUpperCase(java.util.Locale.ROOT)), username, password, from);
    }

    @Override
    public String toString() {
      return "Outbound[host=" + host + ", port=" + port + ", heloDomain=" + heloDomain + ", security=" + security
          + ", auth=" + auth + ", username=" + username + ", password=<redacted>, from=" + from + "]";
    }
  }

  record Notices(boolean enabled, List<String> reasons, Duration perSenderInterval, int maxPerHour) {}

  record Diagnostics(List<java.net.InetSocketAddress> dnsServers, Duration timeout) {}
}
