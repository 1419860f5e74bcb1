package dev.replyd.smtp;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.DataLineFilter;

/**
 * SMTP smuggling defence: every DATA line must end in CR LF and hold no other CR or LF.
 *
 * <p>Why: the Netty framer splits on LF alone and James's DataLineMessageHookHandler ends the data at
 * any 3-byte line starting with ".", so {@code "\n.\n"}, {@code "\r\n.\n"} or {@code ".\n"} ended the
 * message early and the rest of the "body" ran as new SMTP commands: a second, forged message
 * (CVE-2023-51764 family; verified on stock 3.8.1). A sending MTA that disagrees with us about where
 * the message ends is the attack, so nothing of such a message is kept.
 *
 * <p>Contract: a line not ending in CR LF, or with a CR or LF before its end (a line longer than one
 * {@link SmtpFramer} piece is checked piece by piece: only its last piece may, and must, end in CR LF) → the delivery is aborted
 * (no file reaches new/), 550 5.5.2 is sent and the connection is closed; every further line until the
 * close is ignored, so bytes pipelined after the bad line never reach the command dispatcher.
 * Postfix's {@code smtpd_forbid_bare_newline = reject} behaves the same. Good lines pass unchanged.
 *
 * <p>Placement: the first DataLineFilter (outermost), before the size counter and the message hooks.
 *
 * <p>Thread-safety: shared by all sessions; no mutable fields.
 */
final class BareLineFeedFilter implements DataLineFilter {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        ReceptionSession reception = ReceptionSession.of(session);
        if (reception.isClosing()) {
            return null;
        }
        if (reception.endsLine() ? endsWithCrLfOnly(line) : hasNoCrOrLf(line)) {
            return next.onLine(session, line);
        }
        String queueId = session.getAttachment(DataCmdHandler.MAILENV, ProtocolSession.State.Transaction)
                .filter(MaildirEnvelope.class::isInstance)
                .flatMap(envelope -> ((MaildirEnvelope) envelope).queueId())
                .orElse(null);
        MailLog.bareLineFeed(queueId, session);
        reception.markClosing();
        session.resetState();
        return SmtpReplies.BARE_LINE_FEED;
    }

    /** A piece of a line longer than one piece ({@link SmtpFramer}): the line goes on, so no CR or LF at all. */
    static boolean hasNoCrOrLf(byte[] piece) {
        for (byte b : piece) {
            if (b == CR || b == LF) {
                return false;
            }
        }
        return true;
    }

    static boolean endsWithCrLfOnly(byte[] line) {
        int length = line.length;
        if (length < 2 || line[length - 2] != CR || line[length - 1] != LF) {
            return false;
        }
        for (int i = 0; i < length - 2; i++) {
            if (line[i] == CR || line[i] == LF) {
                return false;
            }
        }
        return true;
    }
}
