package dev.replyd.smtp;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.SMTPSessionImpl;
import org.apache.james.protocols.smtp.core.DataCmdHandler;

/**
 * One SMTP session, as James's {@link SMTPSessionImpl} plus three fixes replyd relies on.
 *
 * <p>Contract:
 * <ul>
 * <li>A line over the framer's limit (8192 bytes) gets {@code 500 5.5.6} and the connection is closed,
 * the message being received is aborted. Stock 3.8.1 answers "500 Line length exceeded" in the middle of
 * DATA, drops the line and then accepts the truncated message at the dot, with the client out of step.</li>
 * <li>{@link #resetState()} (RSET, HELO/EHLO, end of DATA, disconnect) first aborts an uncommitted
 * {@link MaildirEnvelope}, so no tmp/ file outlives its transaction, whatever ended it.</li>
 * <li>{@link #resetState()} turns STARTTLS command-injection detection back on while TLS is not active.
 * DataCmdHandler turns it off for the message body and 3.8.1 never turns it on again, which would let
 * "STARTTLS\r\nMAIL ..." in one packet inject plaintext commands into the TLS session after a first
 * message (CVE-2021-38542 family).</li>
 * </ul>
 * Once {@link #markClosing()} was called, every further line is ignored until the connection closes
 * (see {@link CommandAccountingDispatcher} and {@link BareLineFeedFilter}). {@link #pauseReading}
 * holds the connection's next command back for a while ({@link InFlowDelay}).
 *
 * <p>Thread-safety: confined to one session (its Netty I/O thread).
 */
final class ReceptionSession extends SMTPSessionImpl {

    private boolean closing;
    private Channel channel;

    ReceptionSession(ProtocolTransport transport, SMTPConfiguration configuration) {
        super(transport, configuration);
    }

    static ReceptionSession of(ProtocolSession session) {
        return (ReceptionSession) session;
    }

    @Override
    public Response newLineTooLongResponse() {
        MailLog.lineTooLong(this);
        markClosing();
        abortMessage();
        return SmtpReplies.LINE_TOO_LONG;
    }

    @Override
    public Response newFatalErrorResponse() {
        return SmtpReplies.INTERNAL_ERROR;
    }

    @Override
    public void resetState() {
        abortMessage();
        super.resetState();
        if (!isTLSStarted()) {
            // After STARTTLS James switches detection off for good (the framer's "STARTTLS in flight"
            // flag stays set and would refuse every later line); no second STARTTLS is possible then.
            startDetectingCommandInjection();
        }
    }

    /** The connection, known once its core handler created this session. */
    void attach(Channel connection) {
        this.channel = connection;
    }

    /**
     * Stops reading from the connection for {@code pause} ({@link InFlowDelay}); replies already
     * written go out, lines already framed are still handled. Nothing when no connection is attached.
     */
    void pauseReading(Duration pause) {
        Channel connection = channel;
        if (connection == null || !connection.isActive()) {
            return;
        }
        connection.config().setAutoRead(false);
        connection.eventLoop().schedule(() -> {
            if (connection.isActive()) {
                connection.config().setAutoRead(true); // also asks for the next read
            }
        }, pause.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** From now on the session only waits for its connection to close. */
    void markClosing() {
        closing = true;
    }

    boolean isClosing() {
        return closing;
    }

    /** True between an accepted MAIL FROM and the end of the transaction. */
    static boolean inTransaction(SMTPSession session) {
        return session.getAttachment(SMTPSession.SENDER, State.Transaction).isPresent();
    }

    private void abortMessage() {
        getAttachment(DataCmdHandler.MAILENV, State.Transaction)
                .filter(MaildirEnvelope.class::isInstance)
                .map(MaildirEnvelope.class::cast)
                .ifPresent(MaildirEnvelope::abort);
    }
}
