package dev.replyd.smtp;

import dev.replyd.auth.ForeignAuthResults;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.DataLineFilter;

/**
 * Drops {@code Authentication-Results} header fields that arrive from outside but claim to come
 * from us (their authserv-id is our host name or reply domain), so nothing downstream mistakes a
 * sender's forgery for our own verdict. RFC 8601 section 5 asks exactly this of a border MTA.
 *
 * <p>Contract: looks only at the header section (up to the first empty line). Each
 * Authentication-Results field (any case, blanks allowed before the colon), with its folded
 * continuation lines, is held until the next field starts, then dropped if it claims us or passed on
 * unchanged. Whether it claims us is decided by the project's one authserv-id parser,
 * {@link ForeignAuthResults#claimsOurHost} (quoted ids, comments, a final dot and case all handled). Fields of other authserv-ids and
 * every other line pass through untouched, in order. A held field longer than {@link #MAX_HELD}
 * bytes is passed on (it is not ours to parse) rather than buffered further.
 *
 * <p>Placement: a DataLineFilter after {@link BareLineFeedFilter} (lines are well-formed CRLF lines)
 * and before the hook handler that stores the lines.
 *
 * <p>Thread-safety: shared by all sessions; the scan state is a Transaction-scoped attachment.
 */
final class ForgedAuthResultsFilter implements DataLineFilter {

    private static final ProtocolSession.AttachmentKey<Scan> KEY =
            ProtocolSession.AttachmentKey.of("replyd.auth-results-scan", Scan.class);
    private static final String FIELD_NAME = "authentication-results";
    static final int MAX_HELD = 64 * 1024;

    private final List<String> ourIds;

    ForgedAuthResultsFilter(SmtpSettings settings) {
        this.ourIds = List.of(settings.hostname(), settings.replyDomain());
    }

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        Scan scan = SessionAttachments.getOrCreate(session, KEY, ProtocolSession.State.Transaction, Scan::new);
        if (scan.inBody) {
            return next.onLine(session, line);
        }
        if (ReceptionSession.of(session).continuesLine()) {
            // the rest of a line longer than one piece: part of the field being held, if any
            if (scan.held.isEmpty()) {
                return next.onLine(session, line);
            }
            scan.hold(line);
            return scan.heldBytes > MAX_HELD ? release(session, scan, next, true) : null;
        }
        boolean endOfHeaders = DataHeaderLines.endsHeaders(line);
        boolean continuation = DataHeaderLines.continuesField(line);
        if (continuation && !scan.held.isEmpty()) {
            scan.hold(line);
            return scan.heldBytes > MAX_HELD ? release(session, scan, next, true) : null;
        }
        Response response = scan.held.isEmpty() ? null : release(session, scan, next, false);
        if (endOfHeaders) {
            scan.inBody = true;
        } else if (startsWithField(line)) {
            scan.hold(line);
            return response;
        }
        Response own = next.onLine(session, line);
        return own != null ? own : response;
    }

    /** Passes the held field on, or drops it when it claims to be ours. */
    private Response release(SMTPSession session, Scan scan, LineHandler<SMTPSession> next, boolean tooLong) {
        List<byte[]> field = scan.held;
        scan.held = new ArrayList<>();
        scan.heldBytes = 0;
        String id = tooLong ? null : claimedId(field);
        if (id != null) {
            String queueId = session.getAttachment(DataCmdHandler.MAILENV, ProtocolSession.State.Transaction)
                    .filter(MaildirEnvelope.class::isInstance)
                    .flatMap(envelope -> ((MaildirEnvelope) envelope).queueId())
                    .orElse("NOQUEUE");
            MailLog.forgedAuthResults(queueId, id);
            return null;
        }
        Response last = null;
        for (byte[] line : field) {
            Response r = next.onLine(session, line);
            last = r != null ? r : last;
        }
        return last;
    }

    /** Whether the line starts an Authentication-Results field: the name, optional blanks, a colon. */
    private static boolean startsWithField(byte[] line) {
        if (line.length <= FIELD_NAME.length()
                || !new String(line, 0, FIELD_NAME.length(), StandardCharsets.US_ASCII).equalsIgnoreCase(FIELD_NAME)) {
            return false;
        }
        int i = FIELD_NAME.length();
        while (i < line.length && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        return i < line.length && line[i] == ':';
    }

    /** Which of our ids the held field claims; null when none. */
    private String claimedId(List<byte[]> field) {
        StringBuilder text = new StringBuilder();
        for (byte[] line : field) {
            text.append(new String(line, StandardCharsets.ISO_8859_1));
        }
        String whole = text.toString();
        for (String ours : ourIds) {
            if (ForeignAuthResults.claimsOurHost(whole, ours)) {
                return ours;
            }
        }
        return null;
    }

    /** Where the scan of one message's header section stands. Confined to one session. */
    static final class Scan {
        private boolean inBody;
        private List<byte[]> held = new ArrayList<>();
        private int heldBytes;

        private void hold(byte[] line) {
            held.add(line.clone());
            heldBytes += line.length;
        }
    }
}
