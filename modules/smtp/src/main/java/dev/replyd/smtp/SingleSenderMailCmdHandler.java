package dev.replyd.smtp;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.MailCmdHandler;

/**
 * MAIL FROM that refuses a second sender inside a transaction and leaves the first one alone.
 *
 * <p>Why: James 3.8.1's MailCmdHandler answers a nested MAIL with its own 503 and then, like after
 * any non-250 reply, removes the session's sender; the next MAIL is then accepted while the first
 * transaction's recipients stay, and the message is stored for them under the wrong sender (found
 * by the pipelining fuzz test). Here a nested MAIL gets {@code 503 5.5.1} before James's handler
 * runs, so the transaction in progress is untouched (RFC 5321 4.1.4: the 503 changes nothing).
 *
 * <p>Placement: replaces MailCmdHandler in the chain. Thread-safety: shared by all sessions; no
 * mutable fields.
 */
final class SingleSenderMailCmdHandler extends MailCmdHandler {

    SingleSenderMailCmdHandler(MetricFactory metrics) {
        super(metrics);
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        if (session.getAttachment(SMTPSession.SENDER, ProtocolSession.State.Transaction).isPresent()) {
            return SmtpReplies.NESTED_MAIL;
        }
        return super.onCommand(session, request);
    }
}
