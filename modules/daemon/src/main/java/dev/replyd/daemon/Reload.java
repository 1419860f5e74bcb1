package dev.replyd.daemon;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP: re-reads the configuration and applies what can change without dropping connections —
 * the TLS certificate and key, the callback URL and secret, log levels — and names every changed
 * key that needs a restart instead.
 *
 * <p>An invalid new configuration is refused as a whole (the old one stays in force) and its
 * problems are logged by key. Secrets are never logged, only that they changed.
 *
 * <p>Thread-safety: requests from the signal thread are queued onto one reload thread, so two
 * SIGHUPs never apply concurrently.
 */
final class Reload implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("replyd");

  private final Path file;
  private final Daemon daemon;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.named("reload"));
  private ReplydConfig current;

  Reload(Path file, Daemon daemon, ReplydConfig current) {
    this.file = file;
    this.daemon = daemon;
    this.current = current;
  }

  void request() {
    thread.execute(this::apply);
  }

  private void apply() {
    SystemdNotify.reloading();
    try {
      ReplydConfig next;
      try {
        next = ConfigLoader.load(file, System.getenv());
      } catch (ConfigProblems e) {
        log.error("reload refused, the running configuration stays in force: {} problem(s): {}",
            e.problems().size(), String.join("; ", e.problems()));
        return;
      }
      List<String> reloaded = new ArrayList<>();
      List<String> needRestart = restartOnlyChanges(current, next);

      ReplydConfig.Smtp was = current.smtp();
      ReplydConfig.Smtp now = next.smtp();
      if (was.tlsEnabled() && now.tlsEnabled()) {
        try {
          daemon.smtp().reloadTls(now.tlsCert(), now.tlsKey());
          daemon.certificateReloaded(now.tlsCert());
          reloaded.add("smtp.tls (certificate " + now.tlsCert() + ")");
        } catch (Exception e) {
          log.error("reload: smtp.tls not reloaded, the old certificate stays in use: {}", e.getMessage());
        }
      } else if (was.tlsEnabled() != now.tlsEnabled()) {
        needRestart.add("smtp.tls (turning STARTTLS on or off)");
      }
      if (!current.callback().url().equals(next.callback().url())
          || !current.modules().callbackSigner().equals(next.modules().callbackSigner())) {
        if (daemon.processor() != null) {
          daemon.processor().reloadCallback(next.callback().url(), next.modules().callbackSigner());
          reloaded.add("callback.url/secret");
        }
      }
      if (!sameKeys(current.address().keys(), next.address().keys())) {
        daemon.reloadAddressKeys(next);
        reloaded.add("address.keys (" + next.address().keys().size() + " key(s))");
      }
      if (reloadLogging()) {
        reloaded.add("log levels");
      }
      current = next;
      log.info("reloaded {}: {}{}", file, reloaded.isEmpty() ? "nothing changed that can be reloaded" : String.join(", ", reloaded),
          needRestart.isEmpty() ? "" : "; changed but needs a restart: " + String.join(", ", needRestart));
    } catch (RuntimeException e) {
      // An executor would swallow it: the operator must see that the SIGHUP did not take.
      log.error("reload of {} failed part-way ({}); what was reloaded before stays, restart to apply the rest", file,
          e.toString());
    } finally {
      SystemdNotify.reloaded();
    }
  }

  private static List<String> restartOnlyChanges(ReplydConfig a, ReplydConfig b) {
    List<String> changed = new ArrayList<>();
    check(changed, "hostname", a.hostname(), b.hostname());
    check(changed, "reply-domain", a.address().replyDomain(), b.address().replyDomain());
    check(changed, "address.prefix/kinds", List.of(a.address().prefix(), a.address().kinds()),
        List.of(b.address().prefix(), b.address().kinds()));
    check(changed, "noreply", a.noreply(), b.noreply());
    ReplydConfig.Smtp sa = a.smtp();
    ReplydConfig.Smtp sb = b.smtp();
    check(changed, "smtp (bind, port, limits, timeouts, flow control)",
        List.of(sa.bind(), sa.port(), sa.maxMessageSize(), sa.maxRecipients(), sa.maxConnections(),
            sa.maxConnectionsPerIp(), sa.idleTimeout(), sa.sessionTimeout(), sa.maxErrors(), sa.ioThreads(),
            sa.inFlowDelay(), sa.inFlowBacklog()),
        List.of(sb.bind(), sb.port(), sb.maxMessageSize(), sb.maxRecipients(), sb.maxConnections(),
            sb.maxConnectionsPerIp(), sb.idleTimeout(), sb.sessionTimeout(), sb.maxErrors(), sb.ioThreads(),
            sb.inFlowDelay(), sb.inFlowBacklog()));
    check(changed, "storage", a.storage(), b.storage());
    check(changed, "processor", a.processor(), b.processor());
    check(changed, "callback (timeout, max-age, retry delays, max-attachment-bytes)",
        List.of(a.callback().timeout(), a.callback().maxAge(), a.callback().retryBaseDelay(), a.callback().retryMaxDelay(),
            a.callback().maxAttachmentBytes()),
        List.of(b.callback().timeout(), b.callback().maxAge(), b.callback().retryBaseDelay(), b.callback().retryMaxDelay(),
            b.callback().maxAttachmentBytes()));
    check(changed, "metrics", a.metrics(), b.metrics());
    check(changed, "support", a.support(), b.support());
    check(changed, "notices", a.notices(), b.notices());
    check(changed, "console", Arrays.asList(a.console().enabled(), a.console().allowLoopbackWithoutLogin(), true),
        Arrays.asList(b.console().enabled(), b.console().allowLoopbackWithoutLogin(),
            Arrays.equals(a.console().token(), b.console().token())));
    if (a.notices().enabled() || a.console().enabled()) {
      // The notices and the console's test email hold the relay settings they started with;
      // the test-email command reads the file each time.
      ReplydConfig.Outbound oa = a.outbound();
      ReplydConfig.Outbound ob = b.outbound();
      boolean samePassword = Arrays.equals(oa.password(), ob.password());
      check(changed, a.notices().enabled() ? "outbound (used by the notices)" : "outbound (used by the console)",
          Arrays.asList(oa.host(), oa.port(), oa.heloDomain(), oa.security(), oa.auth(), oa.username(), oa.from(), true),
          Arrays.asList(ob.host(), ob.port(), ob.heloDomain(), ob.security(), ob.auth(), ob.username(), ob.from(),
              samePassword));
    }
    return changed;
  }

  private static void check(List<String> changed, String key, Object a, Object b) {
    if (!Objects.equals(a, b)) {
      changed.add(key);
    }
  }

  private static boolean sameKeys(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Re-runs the logback file named by -Dlogback.configurationFile, if any. */
  private static boolean reloadLogging() {
    String logback = System.getProperty("logback.configurationFile");
    if (logback == null || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return false;
    }
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      context.reset();
      configurator.doConfigure(logback);
      return true;
    } catch (JoranException e) {
      log.error("reload: {} is invalid, logging falls back to defaults: {}", logback, e.getMessage());
      return false;
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
