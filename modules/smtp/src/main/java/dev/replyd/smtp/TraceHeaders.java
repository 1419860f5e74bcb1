package dev.replyd.smtp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.apache.james.core.MailAddress;

/**
 * The trace header fields replyd puts in front of each stored message.
 *
 * <p>Contract: every stored file starts with {@link #deliveryPrefix} (its own, per recipient):
 * <pre>
 * Return-Path: &lt;sender&gt;            RFC 5321 4.4 (return-path line, added at final delivery)
 * Delivered-To: recipient           Postfix local/virtual; loop detection in the processor
 * </pre>
 * followed by the shared body, which starts with {@link #received} and then the client's bytes:
 * <pre>
 * Received: from helo (unknown [192.0.2.1])
 *         (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)
 *         by host (replyd) with ESMTPS id 0A1B2C3D4E5F
 *         for &lt;rcpt&gt;; Sat, 28 Nov 2026 01:02:03 +0000
 * </pre>
 * The Received field is in the shared body, not the prefix, because the queue id is only known once
 * the Maildir delivery exists; like Postfix's cleanup it therefore names the recipient ("for") only
 * when there is exactly one (RFC 5321 4.4: with several, naming one would disclose it to the others).
 * The TLS comment and "ESMTPS"/"ESMTP"/"SMTP" follow RFC 3848. No reverse DNS ("unknown"), as the
 * lookup would block the I/O thread. HELO text is the client's: stripped of control characters,
 * parentheses and brackets, and cut at 255 characters, so it cannot forge header structure.
 *
 * <p>Thread-safety: stateless.
 */
final class TraceHeaders {

    private static final DateTimeFormatter RFC_5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);
    private static final int MAX_HELO = 255;

    private TraceHeaders() {
    }

    /** {@code sender} as in {@link Transaction#envelopeSender} ("" for the null sender); stored as UTF-8. */
    static byte[] deliveryPrefix(String from, MailAddress recipient) {
        return ("Return-Path: <" + from + ">\r\nDelivered-To: " + recipient.asString() + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] received(String helo, InetSocketAddress client, String protocol, Optional<SSLSession> tls,
            String hostname, String queueId, List<MailAddress> storedRecipients, ZonedDateTime now) {
        StringBuilder field = new StringBuilder(256);
        field.append("Received: from ").append(sanitizedHelo(helo, client))
                .append(" (unknown ").append(addressLiteral(client)).append(")\r\n");
        tls.ifPresent(session -> field.append("\t(using ").append(session.getProtocol())
                .append(" with cipher ").append(session.getCipherSuite()).append(")\r\n"));
        field.append("\tby ").append(hostname).append(" (replyd) with ").append(protocol)
                .append(" id ").append(queueId);
        if (storedRecipients.size() == 1) {
            field.append("\r\n\tfor <").append(storedRecipients.get(0).asString()).append('>');
        }
        field.append("; ").append(RFC_5322_DATE.format(now)).append("\r\n");
        return field.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The "with" protocol of the Received field: RFC 3848's SMTP/ESMTP/ESMTPS, or RFC 6531 3.7.4's
     * UTF8SMTP/UTF8SMTPS for a transaction with the SMTPUTF8 parameter.
     */
    static String withProtocol(org.apache.james.protocols.smtp.SMTPSession session) {
        String protocol = MailLog.protocol(session);
        if (!Transaction.of(session).isSmtpUtf8()) {
            return protocol;
        }
        return session.isTLSStarted() ? "UTF8SMTPS" : "UTF8SMTP";
    }

    /** RFC 5321 4.1.3 address literal: [192.0.2.1] or [IPv6:2001:db8::1]. */
    static String addressLiteral(InetSocketAddress client) {
        InetAddress address = client == null ? null : client.getAddress();
        if (address == null) {
            return "[unknown]";
        }
        String text = address.getHostAddress();
        int zone = text.indexOf('%');
        if (zone >= 0) {
            text = text.substring(0, zone);
        }
        return address instanceof Inet6Address ? "[IPv6:" + text + "]" : "[" + text + "]";
    }

    private static String sanitizedHelo(String helo, InetSocketAddress client) {
        if (helo == null || helo.isBlank()) {
            return addressLiteral(client);
        }
        StringBuilder out = new StringBuilder(Math.min(helo.length(), MAX_HELO));
        for (int i = 0; i < helo.length() && out.length() < MAX_HELO; i++) {
            char c = helo.charAt(i);
            if (c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != ';') {
                out.append(c);
            }
        }
        return out.length() == 0 ? addressLiteral(client) : out.toString();
    }
}
