package dev.replyd.smtp;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Writes the {@code connect from …} and {@code disconnect from … <command counts>} lines of the
 * {@code mail} log (see {@link MailLog}, {@link SessionCounters}).
 *
 * <p>Placement: the first ConnectHandler and a DisconnectHandler. Sends no reply.
 *
 * <p>Thread-safety: shared by all sessions; no fields.
 */
final class SessionLogHandler implements ConnectHandler<SMTPSession>, DisconnectHandler<SMTPSession> {

    private final SmtpMetrics metrics;

    SessionLogHandler(SmtpMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Response onConnect(SMTPSession session) {
        MailLog.connect(session);
        return null;
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        if (session != null) {
            MailLog.disconnect(session, SessionCounters.of(session).summary());
            if (session.isTLSStarted()) {
                metrics.tlsSession();
            }
        }
    }
}
