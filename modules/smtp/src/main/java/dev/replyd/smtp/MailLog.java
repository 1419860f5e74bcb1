package dev.replyd.smtp;

import dev.replyd.maildir.ClientText;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mail} log (ARCHITECTURE.md "Logs"): one Postfix-like line per SMTP event, prefixed with the
 * queue id once the message has one, {@code NOQUEUE} before.
 *
 * <p>Contract: lines look like Postfix smtpd/cleanup/virtual lines so that operators' habits and
 * tools (pflogsumm-style greps) keep working:
 * <pre>
 * connect from unknown[192.0.2.1]
 * 0A1B2C3D4E5F: client=unknown[192.0.2.1]
 * 0A1B2C3D4E5F: message-id=&lt;abc@example.org&gt;
 * 0A1B2C3D4E5F: from=&lt;a@example.org&gt;, size=1234, nrcpt=1 (queue active)
 * 0A1B2C3D4E5F: to=&lt;reply+…@reply.example.com&gt;, relay=maildir, status=sent (delivered to maildir)
 * NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 550 5.7.1 &lt;x@y&gt;: Relay access denied; from=&lt;a@example.org&gt; to=&lt;x@y&gt; proto=ESMTP helo=&lt;mx.example.org&gt;
 * disconnect from unknown[192.0.2.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5
 * </pre>
 * Host names are "unknown": replyd does no reverse DNS on the I/O threads. Nothing secret is logged:
 * reply texts are fixed, storage errors name paths, never keys.
 *
 * <p>Thread-safety: stateless; SLF4J loggers are thread-safe.
 */
final class MailLog {

    static final String LOGGER_NAME = "mail";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);
    private static final int MAX_VALUE_LENGTH = 256;

    private MailLog() {
    }

    /** {@code unknown[ip]}, as Postfix writes a client without reverse DNS. */
    static String client(ProtocolSession session) {
        return client(session.getRemoteAddress());
    }

    static String client(InetSocketAddress remote) {
        if (remote == null) {
            return "unknown[unknown]";
        }
        InetAddress address = remote.getAddress();
        return "unknown[" + (address == null ? remote.getHostString() : address.getHostAddress()) + "]";
    }

    static void connect(ProtocolSession session) {
        LOG.info("connect from {}", client(session));
    }

    static void disconnect(ProtocolSession session, String counters) {
        LOG.info("disconnect from {}{}", client(session), counters);
    }

    static void refused(ProtocolSession session, Response reply) {
        LOG.warn("refused connection from {}: {}", client(session), replyText(reply));
    }

    static void client(String queueId, ProtocolSession session) {
        LOG.info("{}: client={}", queueId, client(session));
    }

    static void messageId(String queueId, String messageId) {
        LOG.info("{}: message-id={}", queueId, clean(messageId));
    }

    static void queued(String queueId, String sender, long size, int recipients) {
        LOG.info("{}: from=<{}>, size={}, nrcpt={} (queue active)", queueId, clean(sender), size, recipients);
    }

    static void delivered(String queueId, MailAddress recipient) {
        LOG.info("{}: to=<{}>, relay=maildir, status=sent (delivered to maildir)", queueId, clean(recipient.asString()));
    }

    static void discarded(String queueIdOrNull, ProtocolSession session, String sender, List<MailAddress> recipients) {
        for (MailAddress recipient : recipients) {
            LOG.info("{}: discard: END-OF-MESSAGE from {}: <{}>: noreply address (noreply.discard = true); from=<{}> to=<{}>",
                    queueIdOrNull == null ? "NOQUEUE" : queueIdOrNull, client(session), clean(recipient.asString()),
                    clean(sender), clean(recipient.asString()));
        }
    }

    /** A 4xx/5xx reply to a command or to the end of the message. */
    static void reject(String queueIdOrNull, String stage, SMTPSession session, Response reply, String recipientOrNull) {
        String sender = Transaction.envelopeSender(session).orElse(null);
        StringBuilder line = new StringBuilder();
        line.append(queueIdOrNull == null ? "NOQUEUE" : queueIdOrNull).append(": reject: ").append(clean(stage))
                .append(" from ").append(client(session)).append(": ").append(replyText(reply));
        if (sender != null) {
            line.append("; from=<").append(clean(sender)).append('>');
        }
        if (recipientOrNull != null) {
            line.append(sender == null ? "; " : " ").append("to=<").append(clean(recipientOrNull)).append('>');
        }
        line.append(" proto=").append(protocol(session));
        session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection)
                .ifPresent(helo -> line.append(" helo=<").append(clean(helo)).append('>'));
        LOG.info("{}", line);
    }

    static void forgedAuthResults(String queueId, String authservId) {
        LOG.info("{}: removed an Authentication-Results header claiming to be from {} (RFC 8601 section 5)",
                queueId, clean(authservId));
    }

    static void storageFailed(String queueIdOrNull, Exception failure) {
        LOG.error("{}: cannot store message in maildir: {}", queueIdOrNull == null ? "NOQUEUE" : queueIdOrNull,
                failure.getMessage());
    }

    static void lowSpace(ProtocolSession session, long usable, long minimum) {
        LOG.warn("NOQUEUE: reject: MAIL from {}: 452 4.3.1 Insufficient system storage ({} bytes free, "
                + "storage.min-free is {}; free disk space under storage.root)", client(session), usable, minimum);
    }

    static void timeout(InetSocketAddress remote, String what) {
        LOG.info("{} from {}", what, client(remote));
    }

    static void lineTooLong(ProtocolSession session) {
        LOG.warn("warning: line too long from {}; connection closed", client(session));
    }

    static void bareLineFeed(String queueIdOrNull, ProtocolSession session) {
        LOG.warn("{}: reject: DATA from {}: bare <CR> or <LF> in message data (SMTP smuggling defence); "
                + "message discarded, connection closed", queueIdOrNull == null ? "NOQUEUE" : queueIdOrNull,
                client(session));
    }

    static void lostConnection(InetSocketAddress remote, String reason) {
        LOG.info("lost connection from {}: {}", client(remote), reason == null ? "I/O error" : clean(reason));
    }

    static void tlsFailed(InetSocketAddress remote, String reason) {
        LOG.info("TLS handshake failed from {}: {}", client(remote), reason == null ? "unknown reason" : clean(reason));
    }

    static void commandInjection(InetSocketAddress remote) {
        LOG.warn("warning: command pipelined after STARTTLS from {} (possible STARTTLS injection); connection closed",
                client(remote));
    }

    static void tooManyErrors(ProtocolSession session, int errors) {
        LOG.warn("warning: {} errors from {}; connection closed", errors, client(session));
    }

    static void draining(int sessions) {
        LOG.info("stopping: no new mail accepted, {} session(s) still open", sessions);
    }

    static void stopped() {
        LOG.info("stopped");
    }

    static void listening(InetSocketAddress address, boolean tls) {
        LOG.info("listening on {}:{}{}", address.getHostString(), address.getPort(), tls ? " (STARTTLS offered)" : "");
    }

    static void tlsReloaded(String certificate) {
        LOG.info("STARTTLS certificate reloaded from {}", certificate);
    }

    static String protocol(SMTPSession session) {
        boolean ehlo = session.getAttachment(SMTPSession.CURRENT_HELO_MODE, ProtocolSession.State.Connection)
                .map(mode -> mode.equalsIgnoreCase("EHLO")).orElse(true);
        if (!ehlo) {
            return "SMTP";
        }
        return session.isTLSStarted() ? "ESMTPS" : "ESMTP";
    }

    static String replyText(Response reply) {
        // SMTPResponse lines already start with the code ("550 5.1.1 ...").
        return clean(String.join(" / ", reply.getLines()));
    }

    /** Keeps log lines single and bounded: {@link ClientText#escape}, long values cut (with "..."). */
    static String clean(String value) {
        if (value.length() <= MAX_VALUE_LENGTH) {
            return ClientText.escape(value);
        }
        int end = MAX_VALUE_LENGTH;
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return ClientText.escape(value.substring(0, end)) + "...";
    }
}
