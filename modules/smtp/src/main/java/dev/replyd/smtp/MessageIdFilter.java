package dev.replyd.smtp;

import java.nio.charset.StandardCharsets;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.DataLineFilter;

/**
 * Logs {@code <id>: message-id=<…>} for each stored message, as Postfix's cleanup does, by watching
 * the header section as it streams past (RFC 5322 3.6.4; folded values are joined).
 *
 * <p>Contract: passes every line on unchanged. Looks only at lines before the first empty line, keeps
 * at most one header value (capped at 998 bytes, the RFC 5322 line limit), logs at the end of the
 * header section. Messages without a Message-ID header log nothing; discard-only messages are skipped.
 *
 * <p>Placement: a DataLineFilter after {@link MessageSizeExtension} (oversized data never gets here).
 *
 * <p>Thread-safety: shared by all sessions; the scan state is a Transaction-scoped session attachment.
 */
final class MessageIdFilter implements DataLineFilter {

    private static final ProtocolSession.AttachmentKey<HeaderScan> KEY =
            ProtocolSession.AttachmentKey.of("replyd.message-id-scan", HeaderScan.class);
    private static final String FIELD = "message-id:";
    private static final int MAX_VALUE = 998;

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        HeaderScan scan = SessionAttachments.getOrCreate(session, KEY, ProtocolSession.State.Transaction, HeaderScan::new);
        if (!scan.done) {
            if (ReceptionSession.of(session).continuesLine()) {
                if (scan.value != null) {
                    scan.append(text(line)); // the rest of a long line: part of the value, if any
                }
            } else {
                scan(session, scan, line);
            }
        }
        return next.onLine(session, line);
    }

    private static void scan(SMTPSession session, HeaderScan scan, byte[] line) {
        boolean endOfHeaders = DataHeaderLines.endsHeaders(line);
        boolean continuation = DataHeaderLines.continuesField(line);
        if (continuation && scan.value != null) {
            scan.append(text(line));
            return;
        }
        if (scan.value != null) {
            log(session, scan.value.toString().trim());
            scan.done = true;
            return;
        }
        if (endOfHeaders) {
            scan.done = true;
            return;
        }
        String text = text(line);
        if (text.regionMatches(true, 0, FIELD, 0, FIELD.length())) {
            scan.value = new StringBuilder();
            scan.append(text.substring(FIELD.length()));
        }
    }

    private static void log(SMTPSession session, String messageId) {
        session.getAttachment(DataCmdHandler.MAILENV, ProtocolSession.State.Transaction)
                .filter(MaildirEnvelope.class::isInstance)
                .flatMap(envelope -> ((MaildirEnvelope) envelope).queueId())
                .ifPresent(queueId -> MailLog.messageId(queueId, messageId));
    }

    private static String text(byte[] line) {
        int end = line.length;
        while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r')) {
            end--;
        }
        return new String(line, 0, end, StandardCharsets.UTF_8);
    }

    /** Where the scan of one message's header section stands. Confined to one session. */
    static final class HeaderScan {
        private boolean done;
        private StringBuilder value;

        private void append(String part) {
            if (value.length() < MAX_VALUE) {
                value.append(part, 0, Math.min(part.length(), MAX_VALUE - value.length()));
            }
        }
    }
}
