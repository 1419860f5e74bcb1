package dev.replyd.daemon;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.console.Console;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.outbound.FailureNotices;
import dev.replyd.processor.FailureListener;
import dev.replyd.processor.Processor;
import dev.replyd.processor.SenderChecks;
import dev.replyd.auth.SenderAuthenticator;
import dev.replyd.smtp.InFlowDelay;
import dev.replyd.smtp.SmtpServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running replyd instance: storage, processor, SMTP listener and metrics endpoint, wired from
 * the configuration, with the signal handling systemd expects.
 *
 * <p>Every module starts from the settings object {@link ConfigLoader} built and checked
 * ({@link ReplydConfig#modules}), the same objects {@code check-config} checks.
 *
 * <p>Start-up follows the data flow backwards, so nothing is accepted that cannot be stored and
 * processed: storage first (created, recovered by the processor), the failure notices (when
 * {@code notices.enabled}; the processor tells them each filed failure), then the processor, the metrics
 * endpoint, and the SMTP listener last; then {@code READY=1} to systemd. A failure at any step
 * (port taken, storage unwritable) stops what was started and exits 1 with the reason.
 *
 * <p>SIGTERM/SIGINT: {@code /readyz} answers 503 "draining" first (for {@code shutdown.drain-delay}, while
 * mail is still accepted, so a load balancer moves new connections elsewhere), then the SMTP listener
 * closes its socket and finishes transactions in flight, the
 * workers finish or release their claims, within {@code shutdown.grace}, then the notices still
 * queued are dropped (logged); exit status 0.
 * SIGHUP: {@link Reload} re-reads the configuration and applies what can change safely.
 *
 * <p>Thread-safety: {@link #run} is called once from main; signal handlers only count down a latch
 * or hand the reload to a single thread.
 */
final class Daemon {
  private static final Logger log = LoggerFactory.getLogger("replyd");
  private static final Duration NOTICE_GRACE = Duration.ofSeconds(5);

  private final ReplydConfig config;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile boolean draining;
  private ReplyAddressCodec codec;
  private Maildir maildir;
  private Processor processor;
  private FailureNotices notices;
  private InFlowBacklog inFlowBacklog;
  private SmtpServer smtp;
  private MetricsEndpoint metrics;
  private TlsCertificateGauge certificate;

  private Daemon(ReplydConfig config) {
    this.config = config;
  }

  static int run(ReplydConfig config, Path configFile) throws Exception {
    Daemon daemon = new Daemon(config);
    try {
      daemon.start();
    } catch (IOException | RuntimeException e) {
      daemon.shutdown(Duration.ZERO);
      throw e;
    }
    Signals.onTerminate(daemon.stop::countDown);
    Reload reload = new Reload(configFile, daemon, config);
    Signals.onHangup(reload::request);
    // Logged only now: operators and tests take this line as "ready", and a SIGHUP or SIGTERM
    // arriving before the handlers above would get the JVM's default action (exit).
    log.info("replyd {} serving: {}", VersionProvider.version(),
        Summary.of(config, daemon.smtp.address(), daemon.metrics.address()));
    SystemdNotify.ready("replyd serving " + daemon.smtp.address());
    daemon.stop.await();
    SystemdNotify.stopping();
    daemon.drain(config.cluster().drainDelay());
    log.info("stopping: finishing SMTP transactions and workers in flight (grace {})", config.shutdownGrace());
    haltIfStuck(config.shutdownGrace().multipliedBy(2).plusSeconds(10));
    daemon.shutdown(config.shutdownGrace());
    reload.close();
    log.info("stopped");
    return 0;
  }

  /**
   * A stop that overruns its grace (a stuck disk, a hung peer) must not leave systemd waiting
   * for ever: halt hard. Nothing is lost: accepted mail is durable, claims are recovered at start.
   */
  private static void haltIfStuck(Duration deadline) {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(deadline.toMillis());
        log.error("stop did not finish within {}; halting", deadline);
        Runtime.getRuntime().halt(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "stop-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /**
   * Behind a load balancer, the first step of a stop: {@code /readyz} answers 503 "draining" while
   * mail is still accepted for {@code delay} (the balancer's health checks then move new connections
   * to other nodes), then the SMTP listener closes.
   */
  private void drain(Duration delay) throws InterruptedException {
    draining = true;
    log.info("draining: /readyz reports not ready; the SMTP listener closes in {}", delay);
    if (!delay.isZero()) {
      Thread.sleep(delay.toMillis());
    }
  }

  /** SIGHUP with new address keys: the codec shared by SMTP and the processor switches lists at once. */
  void reloadAddressKeys(ReplydConfig next) {
    codec.replaceKeys(next.address().keys());
  }

  private void start() throws IOException {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);

    maildir = Maildir.open(config.storage().root(), config.cluster().nodeName());
    StorageGauges.bind(maildir, registry);
    ModuleSettings modules = config.modules();
    codec = ModuleSettings.codec(config);
    if (config.processor().enabled()) {
      FailureListener failures = FailureListener.none();
      if (config.notices().enabled()) {
        notices = FailureNotices.start(modules.outbound(), modules.notices(), registry);
        failures = notices::offer;
      }
      processor = Processor.start(modules.processor(), maildir, codec, extractor(config), registry,
          senderChecks(config), failures, modules.callbackSigner());
    } else {
      log.warn("processor.enabled = false: mail is stored in {} but not processed", maildir.root().resolve(MaildirLayout.NEW));
    }
    metrics = MetricsEndpoint.start(new InetSocketAddress(config.metrics().bind(), config.metrics().port()),
        registry, healthChecks());
    if (config.console().enabled()) {
      Console console = ConsoleWiring.console(config, metrics.address(), healthChecks(), maildir,
          () -> certificate == null ? Optional.empty() : certificate.notAfter(),
          () -> smtp == null ? new InetSocketAddress(config.smtp().bind(), config.smtp().port()) : smtp.address());
      metrics.mount("/console", console.pages());
      metrics.mount("/api/v1", console.api());
    }
    InFlowDelay inFlow = InFlowDelay.off();
    if (processor != null && !config.smtp().inFlowDelay().isZero()) {
      inFlowBacklog = InFlowBacklog.start(maildir, config.smtp().inFlowBacklog(), config.smtp().inFlowDelay());
      inFlow = InFlowDelay.whenBacklogged(inFlowBacklog::backlogged, config.smtp().inFlowDelay());
    }
    smtp = SmtpServer.start(modules.smtp(), config.cluster().proxyProtocol(), codec, maildir, registry, inFlow);
    if (config.smtp().tlsEnabled()) {
      certificate = TlsCertificateGauge.register(registry, config.smtp().tlsCert());
    }
  }

  private List<HealthCheck> healthChecks() {
    List<HealthCheck> checks = new ArrayList<>();
    checks.add(HealthCheck.of("smtp", () -> smtp == null ? Optional.of("SMTP listener not started")
        : draining ? Optional.of("draining") : Optional.empty()));
    checks.add(HealthCheck.of("storage", () -> {
      Path tmp = maildir.root().resolve(MaildirLayout.TMP);
      if (!Files.isWritable(tmp)) {
        return Optional.of(tmp + " is not writable");
      }
      try {
        long free = maildir.usableSpace();
        return free < config.storage().minFree()
            ? Optional.of(free + " bytes free, below storage.min-free " + config.storage().minFree())
            : Optional.empty();
      } catch (IOException e) {
        return Optional.of("free space unknown: " + e.getMessage());
      }
    }));
    checks.add(HealthCheck.of("callback", () -> processor == null ? Optional.empty() : processor.callbackProblem()));
    return checks;
  }

  /** Stops in reverse order of start; every step tolerates its component never having started. */
  private void shutdown(Duration grace) {
    if (smtp != null) {
      smtp.stop(grace);
    }
    if (inFlowBacklog != null) {
      inFlowBacklog.close();
    }
    if (processor != null) {
      processor.stop(grace);
    }
    if (notices != null) {
      // A notice is a courtesy: it gets little of the time the halt watchdog allows beyond 2 x grace.
      notices.stop(grace.compareTo(NOTICE_GRACE) < 0 ? grace : NOTICE_GRACE);
    }
    if (metrics != null) {
      metrics.close();
    }
    registry.close();
  }

  SmtpServer smtp() {
    return smtp;
  }

  /** After a certificate reload: the expiry gauge follows the new file. */
  void certificateReloaded(java.nio.file.Path cert) {
    if (certificate != null) {
      certificate.reload(cert);
    }
  }

  Processor processor() {
    return processor;
  }

  static ReplyExtractor extractor(ReplydConfig c) {
    return extractor(c.processor().markers(), List.of(c.address().replyDomain(), c.hostname()));
  }

  /** The extractor with the default budget; no markers given means the default markers. */
  static ReplyExtractor extractor(List<String> markers, List<String> ownAddresses) {
    ReplyExtractor.Settings defaults = ReplyExtractor.Settings.defaults();
    return new ReplyExtractor(new ReplyExtractor.Settings(
        markers.isEmpty() ? defaults.markers() : markers, ownAddresses, defaults.budget()));
  }

  private static SenderChecks senderChecks(ReplydConfig c) {
    ModuleSettings m = c.modules();
    if (m.senderAuthentication() == null) {
      return SenderChecks.none();
    }
    return new SenderChecks(new SenderAuthenticator(m.senderAuthentication()), m.dmarcPolicy(), c.hostname());
  }
}
