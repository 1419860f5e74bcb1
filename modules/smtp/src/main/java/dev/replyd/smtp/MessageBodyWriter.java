package dev.replyd.smtp;

import java.io.IOException;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.DataLineMessageHookHandler;

/**
 * The innermost DATA line handler: James's DataLineMessageHookHandler (dot-unstuffing, the end-of-data
 * dot, then the message hooks whose result is the reply) made aware of long lines and reusable for BDAT.
 *
 * <p>Contract: a piece that continues a line longer than one {@link SmtpFramer} piece is written to the
 * envelope as it is (it is not a line start: no dot rule applies); every other line goes to James's
 * handler unchanged. {@link #finish} ends a BDAT message the way the final dot ends a DATA message:
 * the message hooks run in chain order ({@link MessageSizeExtension}, then {@link MaildirDeliveryHook},
 * whose commit makes the message durable before its 250 is returned), then the transaction is reset.
 *
 * <p>Placement: the last DataLineFilter. Thread-safety: shared by all sessions; wired once.
 */
final class MessageBodyWriter extends DataLineMessageHookHandler {

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        if (!ReceptionSession.of(session).continuesLine()) {
            return super.onLine(session, line, next);
        }
        MailEnvelope envelope = session.getAttachment(DataCmdHandler.MAILENV, ProtocolSession.State.Transaction)
                .orElseThrow(() -> new IllegalStateException("message data without an envelope"));
        try {
            envelope.getMessageOutputStream().write(line);
        } catch (IOException e) {
            // MaildirEnvelope never throws here (it remembers write failures for the end of the message)
            throw new IllegalStateException("cannot write message data: " + e.getMessage(), e);
        }
        return null;
    }

    /** Ends the message in {@code envelope}: message hooks, reply, transaction reset. */
    Response finish(SMTPSession session, MailEnvelope envelope) {
        Response response = processExtensions(session, envelope);
        session.resetState();
        return response;
    }
}
