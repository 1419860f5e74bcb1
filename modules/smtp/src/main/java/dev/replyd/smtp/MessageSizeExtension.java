package dev.replyd.smtp;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;

/**
 * The SIZE extension (RFC 1870) with replyd's reply text and clean-up.
 *
 * <p>Contract, inherited: EHLO advertises {@code SIZE <max-message-size>}; {@code MAIL FROM:<…> SIZE=n}
 * with n above the maximum → 552 5.3.4 at MAIL FROM; a non-numeric n → 501 5.5.4. While the data
 * arrives the raw bytes are counted; past the maximum no more lines are passed on (nothing more is
 * written to disk); the pieces of a line longer than one {@link SmtpFramer} piece are counted too.
 * Changed here: the reply to the final dot of an oversized message is
 * {@code 552 5.3.4} (stock: a bare "552 Quota exceeded") and it is logged in the {@code mail} log. The
 * partial tmp/ files are removed by {@link ReceptionSession#resetState()}, which James calls right
 * after the message hooks, so nothing reaches new/.
 *
 * <p>Placement: a DataLineFilter after {@link BareLineFeedFilter}; as a MessageHook before
 * {@link MaildirDeliveryHook}, so an oversized message is refused before any commit.
 *
 * <p>Thread-safety: shared by all sessions; no mutable fields (state is in session attachments).
 */
final class MessageSizeExtension extends MailSizeEsmtpExtension {

    private static final String QUOTA_EXCEEDED = "552";
    /** James's own flag for "over the limit, drop the rest" (equal keys: same name and type). */
    static final ProtocolSession.AttachmentKey<Boolean> MESSAGE_FAILED =
            ProtocolSession.AttachmentKey.of("MESG_FAILED", Boolean.class);

    private final SmtpMetrics metrics;

    MessageSizeExtension(SmtpMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        String queueId = session.getAttachment(DataCmdHandler.MAILENV, ProtocolSession.State.Transaction)
                .filter(MaildirEnvelope.class::isInstance)
                .flatMap(envelope -> ((MaildirEnvelope) envelope).queueId())
                .orElse(null);
        Response response = ReceptionSession.of(session).continuesLine()
                ? onLineRest(session, line, next) : super.onLine(session, line, next);
        if (response != null && QUOTA_EXCEEDED.equals(response.getRetCode())) {
            MailLog.reject(queueId, "END-OF-MESSAGE", session, SmtpReplies.MESSAGE_TOO_BIG, null);
            metrics.transaction("too_large", 0);
            return SmtpReplies.MESSAGE_TOO_BIG;
        }
        return response;
    }

    /**
     * The rest of a line longer than one piece: counted like any line, but never taken for the
     * end-of-data dot (James's check looks at the piece's first byte and length only).
     */
    private static Response onLineRest(SMTPSession session, byte[] piece, LineHandler<SMTPSession> next) {
        if (session.getAttachment(MESSAGE_FAILED, ProtocolSession.State.Transaction).orElse(false)) {
            return null;
        }
        long size = session.currentMessageSize() + piece.length;
        session.setCurrentMessageSize(size);
        long max = session.getConfiguration().getMaxMessageSize();
        if (max > 0 && size > max) {
            session.setAttachment(MESSAGE_FAILED, Boolean.TRUE, ProtocolSession.State.Transaction);
            return null;
        }
        return next.onLine(session, piece);
    }
}
