package dev.replyd.daemon;

import dev.replyd.console.Console;
import dev.replyd.maildir.Maildir;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds the operator console from the running configuration: its settings and what it shows
 * (readiness checks, a settings summary without secrets, diagnose and support-bundle inputs, the
 * outbound relay, the store and the extractor). Only called when {@code console.enabled}.
 *
 * <p>Thread-safety: stateless; the suppliers it hands over read fields the daemon sets once at start.
 */
final class ConsoleWiring {
  /** Where the support bundle looks for logs, as {@code replyd support-bundle}'s default {@code --log-dir}. */
  static final Path LOG_DIR = Path.of("/var/log/replyd");

  private ConsoleWiring() {}

  static Console console(ReplydConfig c, InetSocketAddress listener, List<HealthCheck> checks, Maildir maildir,
      Supplier<Optional<Instant>> certificateExpiry, Supplier<InetSocketAddress> smtp) {
    Supplier<Map<String, Optional<String>>> readiness = () -> {
      Map<String, Optional<String>> result = new LinkedHashMap<>();
      for (HealthCheck check : checks) {
        result.put(check.name(), check.problemOrFailure());
      }
      return result;
    };
    return Console.create(
        new Console.Settings(c.console().token(), c.console().allowLoopbackWithoutLogin(), listener),
        new Console.Sources(c.hostname(), VersionProvider.version(), Instant.now(), readiness,
            () -> settings(c, smtp.get(), listener),
            certificateExpiry, () -> DiagnoseCommand.inputs(c, smtp.get()),
            report -> SupportBundleCommand.inputs(c.source(), c, report, LOG_DIR, 1000, listener),
            c.outbound().toOutbound(), maildir, Daemon.extractor(c)));
  }

  /** What the status page lists: every value a plain setting; secrets only as "set" or a count. */
  static Map<String, String> settings(ReplydConfig c, InetSocketAddress smtp, InetSocketAddress listener) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("hostname", c.hostname());
    s.put("reply-domain", c.address().replyDomain());
    s.put("address.prefix", c.address().prefix());
    s.put("address.kinds", String.join(", ", c.address().kinds()));
    s.put("address.keys", c.address().keys().size() + " key(s), not shown");
    s.put("smtp", smtp.getHostString() + ":" + smtp.getPort() + (c.smtp().tlsEnabled() ? ", STARTTLS with "
        + c.smtp().tlsCert() : ", no TLS"));
    s.put("smtp.max-message-size", c.smtp().maxMessageSize() + " bytes");
    s.put("storage.root", c.storage().root().toString());
    s.put("storage.retention", duration(c.storage().retention()));
    s.put("processor", c.processor().enabled() ? c.processor().threads() + " worker(s)" : "disabled");
    s.put("processor.sender-checks", c.processor().senderChecks().enabled()
        ? "on, require-dmarc = " + c.processor().senderChecks().requireDmarc() : "off");
    s.put("callback.url", dev.replyd.address.LoggableUrl.of(c.callback().url()));
    s.put("callback.max-age", duration(c.callback().maxAge()));
    s.put("callback.secret", "set, not shown");
    s.put("outbound", c.outbound().host() + ":" + c.outbound().port() + ", security " + c.outbound().security()
        + ", auth " + c.outbound().auth() + ", from " + c.outbound().from());
    s.put("notices.enabled", Boolean.toString(c.notices().enabled()));
    s.put("metrics", listener.getHostString() + ":" + listener.getPort());
    s.put("console", c.console().allowLoopbackWithoutLogin() ? "loopback without login"
        + (c.console().token() != null ? "; token set, not shown" : "") : "token required, not shown");
    return s;
  }

  /** 30d, 48h, 90s: as the keys are written in the configuration file. */
  static String duration(java.time.Duration d) {
    long seconds = d.getSeconds();
    if (seconds % 86400 == 0 && seconds > 0) {
      return seconds / 86400 + "d";
    }
    if (seconds % 3600 == 0 && seconds > 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0 && seconds > 0) {
      return seconds / 60 + "m";
    }
    return d.toMillis() + "ms";
  }
}
