package dev.replyd.smtp;

import org.apache.james.protocols.smtp.SMTPConfigurationImpl;

/**
 * James's SMTP configuration with replyd's host name and size limit.
 *
 * <p>Contract: {@link SMTPConfigurationImpl} hard-wires a max message size of 0 (no SIZE) and the local
 * host name; this subclass returns {@link SmtpSettings#maxMessageSize()} (advertised as
 * {@code SIZE n}, RFC 1870) and {@link SmtpSettings#hostname()} (EHLO reply, RFC 5321 4.1.1.1). The
 * greeting is {@link ConnectionAdmissionHandler}'s, not James's WelcomeMessageHandler's. Kept
 * from the parent: HELO/EHLO required before MAIL, {@code <>} brackets required, relaying never
 * allowed by IP, AUTH never announced.
 *
 * <p>Thread-safety: immutable after construction; shared by all sessions.
 */
final class ReceptionConfiguration extends SMTPConfigurationImpl {

    private final SmtpSettings settings;

    ReceptionConfiguration(SmtpSettings settings) {
        this.settings = settings;
    }

    @Override
    public long getMaxMessageSize() {
        return settings.maxMessageSize();
    }

    @Override
    public String getHelloName() {
        return settings.hostname();
    }
}
