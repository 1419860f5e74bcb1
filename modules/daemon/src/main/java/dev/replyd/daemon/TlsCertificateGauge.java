package dev.replyd.daemon;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * {@code replyd_tls_certificate_expiry_seconds}: the SMTP certificate's notAfter as Unix seconds (the
 * alert rules subtract {@code time()}), re-read after every SIGHUP reload. NaN when the file cannot
 * be read as a certificate (then the reload itself logged why).
 *
 * <p>Thread-safety: the value is one volatile double, set by start-up and the reload thread.
 */
final class TlsCertificateGauge {
  private volatile double notAfterSeconds = Double.NaN;

  static TlsCertificateGauge register(MeterRegistry registry, Path certificate) {
    TlsCertificateGauge gauge = new TlsCertificateGauge();
    gauge.reload(certificate);
    Gauge.builder("replyd.tls.certificate.expiry", gauge, g -> g.notAfterSeconds).baseUnit("seconds")
        .description("notAfter of the SMTP TLS certificate, as Unix time").strongReference(true).register(registry);
    return gauge;
  }

  /** The certificate's notAfter as last read; empty when it could not be read. */
  java.util.Optional<java.time.Instant> notAfter() {
    double seconds = notAfterSeconds;
    return Double.isNaN(seconds) ? java.util.Optional.empty()
        : java.util.Optional.of(java.time.Instant.ofEpochSecond((long) seconds));
  }

  void reload(Path certificate) {
    try (InputStream in = Files.newInputStream(certificate)) {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      notAfterSeconds = cert.getNotAfter().toInstant().getEpochSecond();
    } catch (IOException | CertificateException | ClassCastException e) {
      notAfterSeconds = Double.NaN;
    }
  }
}
