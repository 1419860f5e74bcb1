package dev.replyd.smtp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;

/**
 * What the SMTP side tells Prometheus.
 *
 * <p>Meters (Prometheus names): {@code replyd_smtp_connections_total{result}} (accepted,
 * refused_limit, refused_stopping), {@code replyd_smtp_connections_active},
 * {@code replyd_smtp_transactions_total{outcome}} (delivered, discarded, too_large, storage_failed),
 * {@code replyd_smtp_recipients_total{outcome,reason}} (accepted/none, postmaster/none,
 * discarded/noreply, refused/too_many_recipients|noreply|unknown_user|bad_token|unknown_kind|relay_denied),
 * {@code replyd_smtp_message_bytes} (summary of delivered sizes), {@code replyd_smtp_tls_sessions_total}.
 * Labels are these fixed words only: never an address, a host or a queue id.
 *
 * <p>Thread-safety: shared by all sessions; Micrometer meters are thread-safe.
 */
final class SmtpMetrics {
    private final MeterRegistry registry;
    private final DistributionSummary messageBytes;
    private final Counter tlsSessions;
    private final Counter inFlowDelays;

    SmtpMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.messageBytes = DistributionSummary.builder("replyd.smtp.message").baseUnit("bytes")
                .description("Sizes of messages stored").register(registry);
        this.tlsSessions = Counter.builder("replyd.smtp.tls.sessions")
                .description("Sessions that used STARTTLS").register(registry);
        this.inFlowDelays = Counter.builder("replyd.smtp.in.flow.delays")
                .description("Connections paused after a stored message because processing lagged (smtp.in-flow-delay)")
                .register(registry);
        for (String outcome : new String[] {"delivered", "discarded", "too_large", "storage_failed"}) {
            transactions(outcome);
        }
    }

    void bindActive(IntSupplier open) {
        Gauge.builder("replyd.smtp.connections.active", open::getAsInt)
                .description("Open SMTP sessions").strongReference(true).register(registry);
    }

    void connection(String result) {
        Counter.builder("replyd.smtp.connections").description("SMTP connections by result")
                .tag("result", result).register(registry).increment();
    }

    void recipient(String outcome, String reason) {
        Counter.builder("replyd.smtp.recipients").description("RCPT TO decisions by outcome and reason")
                .tag("outcome", outcome).tag("reason", reason).register(registry).increment();
    }

    void transaction(String outcome, long bytes) {
        transactions(outcome).increment();
        if (outcome.equals("delivered")) {
            messageBytes.record(bytes);
        }
    }

    private Counter transactions(String outcome) {
        return Counter.builder("replyd.smtp.transactions").description("Mail transactions at end of data by outcome")
                .tag("outcome", outcome).register(registry);
    }

    void tlsSession() {
        tlsSessions.increment();
    }

    void inFlowDelay() {
        inFlowDelays.increment();
    }
}
