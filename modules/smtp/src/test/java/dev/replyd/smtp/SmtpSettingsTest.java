package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Settings errors name the configuration key, the value and what was expected. */
class SmtpSettingsTest {

    @Test
    void defaultsFollowTheArchitectureAndRfc5321() {
        // when
        SmtpSettings settings = SmtpSettings.defaults("Tracker.Example.com", "reply.tracker.example.com");

        // then
        assertThat(settings.hostname()).isEqualTo("tracker.example.com");
        assertThat(settings.bind().getPort()).isEqualTo(25);
        assertThat(settings.maxMessageSize()).isEqualTo(25L * 1024 * 1024);
        assertThat(settings.maxRecipients()).isEqualTo(50);
        assertThat(settings.noreplyAddress()).isEqualTo("noreply@tracker.example.com");
        assertThat(settings.noreplyDiscard()).isTrue();
        assertThat(settings.minFreeBytes()).isEqualTo(512L * 1024 * 1024);
        assertThat(settings.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.tlsEnabled()).isFalse();
    }

    @Test
    void everyInvalidValueIsListedOnItsOwnLineByKey() {
        SmtpSettings settings = SmtpSettings.defaults("tracker.example.com", "reply.tracker.example.com");

        assertThatThrownBy(() -> new SmtpSettings("tracker.example.com", "reply.tracker.example.com", settings.bind(),
                0, 50, null, null, "noreply@tracker.example.com", true, 0, 0, 0, Duration.ofMillis(500),
                Duration.ofMinutes(1), 0, -1))
                .hasMessage("replyd.smtp.max-message-size: 0 (expected: 1 to 2147483647 bytes)\n"
                        + "replyd.smtp.idle-timeout: PT0.5S (expected: at least 1s)\n"
                        + "replyd.smtp.max-errors: 0 (expected: >= 1)\n"
                        + "replyd.smtp.io-threads: -1 (expected: >= 0, 0 = 4 per core)");
    }

    @Test
    void zeroConnectionLimitsMeanUnlimitedAndZeroIoThreadsMeansFourPerCore() {
        SmtpSettings settings = SmtpSettings.defaults("tracker.example.com", "reply.tracker.example.com")
                .withConnectionLimits(0, 0);

        assertThat(settings.maxConnections()).isZero();
        assertThat(settings.maxConnectionsPerIp()).isZero();
        assertThat(settings.ioThreads()).isEqualTo(4 * Runtime.getRuntime().availableProcessors());
    }

    @Test
    void invalidValuesAreRefusedWithTheKeyTheValueAndWhatWasExpected() {
        SmtpSettings settings = SmtpSettings.defaults("tracker.example.com", "reply.tracker.example.com");

        assertThatThrownBy(() -> SmtpSettings.defaults("tracker example", "reply.tracker.example.com"))
                .hasMessage("replyd.hostname: \"tracker example\" (expected: a host name of dot-separated labels of"
                        + " letters, digits and inner '-', at most 253 characters, e.g. tracker.example.com)\n"
                        + "replyd.noreply.address: \"noreply@tracker example\" (expected: local@domain, e.g. noreply@tracker"
                        + " example)");
        assertThatThrownBy(() -> settings.withLimits(0, 50))
                .hasMessage("replyd.smtp.max-message-size: 0 (expected: 1 to 2147483647 bytes)");
        assertThatThrownBy(() -> settings.withLimits(1024, 0))
                .hasMessage("replyd.smtp.max-recipients: 0 (expected: >= 1)");
        assertThatThrownBy(() -> settings.withTls(Path.of("/etc/replyd/tls.pem"), null))
                .hasMessage("replyd.smtp.tls: cert = /etc/replyd/tls.pem, key = null"
                        + " (expected: both PEM files set to offer STARTTLS, or both null)");
        assertThatThrownBy(() -> settings.withNoreply("noreply", true))
                .hasMessage("replyd.noreply.address: \"noreply\" (expected: local@domain, e.g. noreply@tracker.example.com)");
        assertThatThrownBy(() -> settings.withConnectionLimits(-1, 5))
                .hasMessage("replyd.smtp.max-connections: -1 (expected: >= 0, 0 = unlimited)");
        assertThatThrownBy(() -> settings.withTimeouts(Duration.ofMillis(10), Duration.ofMinutes(1)))
                .hasMessage("replyd.smtp.idle-timeout: PT0.01S (expected: at least 1s)");
        assertThatThrownBy(() -> settings.withMinFreeBytes(-1))
                .hasMessage("replyd.storage.min-free: -1 (expected: >= 0 bytes)");
    }
}
