package dev.replyd.daemon;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The validated configuration of one replyd instance (contract 4), built only by {@link ConfigLoader}.
 *
 * <p>Every value here has been checked: ports are in range, sizes positive, keys long enough, files
 * readable; {@link #modules} holds the settings objects the modules start from, whose
 * constructors made the checks of the keys they own. Secrets are held as bytes and never printed: {@link #toString()} of the records that
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
    Console console,
    Outbound outbound,
    Notices notices,
    Diagnostics diagnostics,
    Duration shutdownGrace,
    ClusterConfig cluster,
    String support,
    ModuleSettings modules) {

  /** This configuration with the modules' settings built from it (see {@link ModuleSettings#build}). */
  ReplydConfig withModules(ModuleSettings built) {
    return new ReplydConfig(source, hostname, address, noreply, smtp, storage, processor, callback, metrics, console, outbound,
        notices, diagnostics, shutdownGrace, cluster, support, built);
  }

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

  record Processor(boolean enabled, int threads, long maxMessageSize, List<String> markers, SenderChecks senderChecks,
      Duration messageDeadline) {}

  record SenderChecks(boolean enabled, String requireDmarc, List<java.net.InetSocketAddress> dnsServers, Duration timeout) {}

  /**
   * {@code secret} is the first signing secret (the diagnose ping uses it); {@code signing} is the scheme and
   * every secret, null only while the configuration has problems ({@link ModuleSettings#callbackSigner} signs
   * with them).
   */
  record Callback(URI url, byte[] secret, Duration timeout, Duration maxAge, Duration retryBaseDelay, Duration retryMaxDelay,
      long maxAttachmentBytes, CallbackSigningConfig.Signing signing) {
    @Override
    public String toString() {
      return "Callback[url=" + url + ", secret=<redacted>, signature=" + (signing == null ? null : signing.scheme().configName())
          + ", timeout=" + timeout + ", maxAge=" + maxAge
          + ", retryBaseDelay=" + retryBaseDelay + ", retryMaxDelay=" + retryMaxDelay + ", maxAttachmentBytes=" + maxAttachmentBytes + "]";
    }
  }

  record Metrics(String bind, int port) {}

  /** {@code console.*}; {@code token} is the content of {@code console.token-file}, null when unset. */
  record Console(boolean enabled, byte[] token, boolean allowLoopbackWithoutLogin) {
    @Override
    public String toString() {
      return "Console[enabled=" + enabled + ", token=" + (token == null ? "none" : "<redacted>")
          + ", allowLoopbackWithoutLogin=" + allowLoopbackWithoutLogin + "]";
    }
  }

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
