package dev.replyd.smtp;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Greets or politely refuses each new connection.
 *
 * <p>Contract: while the server drains for a stop → {@code 421 4.3.2} and close; over
 * {@code max-connections} in total or {@code max-connections-per-ip} from the client's address →
 * {@code 421 4.7.0} and close (RFC 5321 3.8 and 4.2.2: 421 is the one reply a server may send instead
 * of the greeting); otherwise the {@code 220 <hostname> ESMTP replyd} greeting. James's own connection
 * limit handlers close over-limit sockets without any reply, which senders treat as a network fault,
 * so they are not used. Admitted connections are counted until their disconnect.
 *
 * <p>Placement: a ConnectHandler after {@link SessionLogHandler} (so the connect is logged first), in
 * place of James's WelcomeMessageHandler; also a DisconnectHandler.
 *
 * <p>Thread-safety: shared by all sessions; the counters are guarded by {@code this} (held for a map
 * update only).
 */
final class ConnectionAdmissionHandler implements ConnectHandler<SMTPSession>, DisconnectHandler<SMTPSession> {

    private static final ProtocolSession.AttachmentKey<InetAddress> ADMITTED =
            ProtocolSession.AttachmentKey.of("replyd.admitted", InetAddress.class);

    private final SmtpSettings settings;
    private final ServerState state;
    private final Response greeting;
    private final Response shuttingDown;
    private final Response tooManyConnections;
    private final Map<InetAddress, Integer> perIp = new HashMap<>();
    private int total;

    private final SmtpMetrics metrics;

    ConnectionAdmissionHandler(SmtpSettings settings, ServerState state, SmtpMetrics metrics) {
        this.settings = settings;
        this.state = state;
        this.metrics = metrics;
        this.greeting = SmtpReplies.greeting(settings.hostname());
        this.shuttingDown = SmtpReplies.shuttingDown(settings.hostname());
        this.tooManyConnections = SmtpReplies.tooManyConnections(settings.hostname());
    }

    @Override
    public Response onConnect(SMTPSession session) {
        if (state.isDraining()) {
            MailLog.refused(session, shuttingDown);
            metrics.connection("refused_stopping");
            return shuttingDown;
        }
        InetAddress client = session.getRemoteAddress().getAddress();
        if (!admit(client)) {
            MailLog.refused(session, tooManyConnections);
            metrics.connection("refused_limit");
            return tooManyConnections;
        }
        session.setAttachment(ADMITTED, client, ProtocolSession.State.Connection);
        metrics.connection("accepted");
        return greeting;
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        session.removeAttachment(ADMITTED, ProtocolSession.State.Connection).ifPresent(this::release);
    }

    /** Open sessions that were admitted and have not disconnected yet. */
    synchronized int open() {
        return total;
    }

    private synchronized boolean admit(InetAddress client) {
        int fromClient = perIp.getOrDefault(client, 0);
        if ((settings.maxConnections() > 0 && total >= settings.maxConnections())
                || (settings.maxConnectionsPerIp() > 0 && fromClient >= settings.maxConnectionsPerIp())) {
            return false;
        }
        total++;
        perIp.put(client, fromClient + 1);
        return true;
    }

    private synchronized void release(InetAddress client) {
        total--;
        perIp.computeIfPresent(client, (address, count) -> count > 1 ? count - 1 : null);
    }
}
