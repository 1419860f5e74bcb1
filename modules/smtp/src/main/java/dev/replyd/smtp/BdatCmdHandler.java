package dev.replyd.smtp;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.DataLineFilter;
import org.apache.james.protocols.smtp.core.esmtp.EhloExtension;

/**
 * The BDAT command and the CHUNKING extension (RFC 3030): the message arrives in length-delimited
 * chunks and streams into the same Maildir delivery as DATA's.
 *
 * <p>Contract:
 * <ul>
 * <li>EHLO lists CHUNKING. {@code BDAT n [LAST]}, n up to 18 digits; anything else → 501 5.5.4 and the
 * connection is closed (the chunk's end is unknown, so the next bytes cannot be read as commands).</li>
 * <li>The n bytes after the command line are the chunk ({@link SmtpFramer}, in the same read or not);
 * they are always read, also when the command is refused, and the reply comes after the chunk:
 * without HELO/EHLO or MAIL → 503 5.5.1, without an accepted recipient → 554 5.5.1 (the transaction
 * stays as it was); past {@code max-message-size} over all chunks → 552 5.3.4, storage failure →
 * 451 4.3.0 (both end the transaction: RFC 3030 2, the client must not send more chunks).</li>
 * <li>The first accepted chunk opens the envelope exactly as DATA does
 * ({@link StreamingDataCmdHandler#envelope}: Received field first, one tmp/ file per stored
 * recipient); from then on DATA and RCPT get 503 5.5.1. The chunk bytes are stored as sent: no dot
 * rule, and no bare-LF rule (BDAT has no end-of-data marker to smuggle). The header section still
 * passes {@link MessageIdFilter} and {@link ForgedAuthResultsFilter}, line by line (LF-terminated,
 * long lines in pieces, as for DATA), so nothing is held in heap beyond one piece.</li>
 * <li>A chunk that is not the last → {@code 250 2.0.0 Ok: n octets received}. {@code BDAT n LAST}
 * (n may be 0) ends the message as the final dot ends DATA ({@link MessageBodyWriter#finish}): the
 * 250 with the queue id is sent after the fsyncs.</li>
 * </ul>
 * Replies go through {@link CommandAccountingDispatcher#account}, as command replies do.
 *
 * <p>Thread-safety: shared by all sessions; no mutable fields; per-chunk state is in the session.
 */
final class BdatCmdHandler implements CommandHandler<SMTPSession>, EhloExtension {

    private static final Pattern ARGUMENT = Pattern.compile("([0-9]{1,18})(?: +(LAST))?", Pattern.CASE_INSENSITIVE);
    private static final String COMMAND = "BDAT";

    private final StreamingDataCmdHandler data;
    private final MessageBodyWriter writer;
    private final CommandAccountingDispatcher accounting;
    private final List<DataLineFilter> headerFilters;
    private final SmtpMetrics metrics;

    BdatCmdHandler(StreamingDataCmdHandler data, MessageBodyWriter writer, CommandAccountingDispatcher accounting,
            List<DataLineFilter> headerFilters, SmtpMetrics metrics) {
        this.metrics = metrics;
        this.data = data;
        this.writer = writer;
        this.accounting = accounting;
        this.headerFilters = List.copyOf(headerFilters);
    }

    @Override
    public Collection<String> getImplCommands() {
        return List.of(COMMAND);
    }

    @Override
    public List<String> getImplementedEsmtpFeatures(SMTPSession session) {
        return List.of("CHUNKING");
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        String argument = request.getArgument() == null ? "" : request.getArgument().trim();
        Matcher matcher = ARGUMENT.matcher(argument);
        if (!matcher.matches()) {
            ReceptionSession.of(session).markClosing();
            return SmtpReplies.BDAT_SYNTAX;
        }
        long octets = Long.parseLong(matcher.group(1));
        Chunk chunk = new Chunk(octets, matcher.group(2) != null);
        chunk.refusal = refusal(session, octets);
        if (chunk.refusal == null) {
            chunk.envelope = envelope(session, chunk);
        }
        if (chunk.refusal == null) {
            Transaction.of(session).chunkTaken(octets);
        }
        if (octets == 0) {
            return end(session, chunk);
        }
        ReceptionSession.of(session).expectChunk(octets);
        session.pushLineHandler(new ChunkReader(chunk));
        return null;
    }

    private Response refusal(SMTPSession session, long octets) {
        if (session.getAttachment(SMTPSession.CURRENT_HELO_MODE, ProtocolSession.State.Connection).isEmpty()) {
            return SmtpReplies.BDAT_WITHOUT_HELO;
        }
        if (!ReceptionSession.inTransaction(session)) {
            return SmtpReplies.BDAT_WITHOUT_MAIL;
        }
        if (session.getAttachment(SMTPSession.RCPT_LIST, ProtocolSession.State.Transaction).map(List::isEmpty).orElse(true)) {
            return SmtpReplies.NO_VALID_RECIPIENTS;
        }
        long max = session.getConfiguration().getMaxMessageSize();
        if (max > 0 && Transaction.of(session).chunkedOctets() + octets > max) {
            return SmtpReplies.MESSAGE_TOO_BIG;
        }
        return null;
    }

    /** The transaction's envelope, opened by its first chunk; null with {@code chunk.refusal} set on failure. */
    private MaildirEnvelope envelope(SMTPSession session, Chunk chunk) {
        java.util.Optional<MaildirEnvelope> open = session.getAttachment(DataCmdHandler.MAILENV, ProtocolSession.State.Transaction)
                .filter(MaildirEnvelope.class::isInstance).map(MaildirEnvelope.class::cast);
        if (open.isPresent()) {
            return open.get();
        }
        try {
            MaildirEnvelope envelope = data.envelope(session);
            session.setAttachment(DataCmdHandler.MAILENV, envelope, ProtocolSession.State.Transaction);
            return envelope;
        } catch (IOException | RuntimeException e) {
            MailLog.storageFailed(null, e);
            chunk.refusal = SmtpReplies.STORAGE_FAILED;
            return null;
        }
    }

    /** After the chunk's last byte (at once for BDAT 0): the reply to the BDAT command. */
    private Response end(SMTPSession session, Chunk chunk) {
        Response reply;
        boolean failed = false;
        if (chunk.refusal != null) {
            reply = chunk.refusal;
            // RFC 3030 2: after these the transaction has failed; the reset aborts the delivery
            failed = reply == SmtpReplies.MESSAGE_TOO_BIG || reply == SmtpReplies.STORAGE_FAILED;
        } else if (chunk.envelope.writeFailure().isPresent()) {
            MailLog.storageFailed(chunk.envelope.queueId().orElse(null), chunk.envelope.writeFailure().get());
            reply = SmtpReplies.STORAGE_FAILED;
            failed = true;
        } else if (chunk.last) {
            if (chunk.octets == 0) {
                // BDAT 0 LAST: the message ended with the previous chunk; flush its last line and header
                ChunkLines.of(session).write(session, new byte[0], true, headerFilters, chunk.envelope);
            }
            reply = writer.finish(session, chunk.envelope);
        } else {
            reply = SmtpReplies.chunkReceived(chunk.octets);
        }
        Response accounted = accounting.account(session, COMMAND, reply);
        if (failed) {
            metrics.transaction(reply == SmtpReplies.MESSAGE_TOO_BIG ? "too_large" : "storage_failed", 0);
            session.resetState();
        }
        return accounted;
    }

    /** One BDAT command's chunk. Confined to its session. */
    private static final class Chunk {
        private final long octets;
        private final boolean last;
        private Response refusal;
        private MaildirEnvelope envelope;

        private Chunk(long octets, boolean last) {
            this.octets = octets;
            this.last = last;
        }
    }

    /**
     * Receives the chunk's pieces from the framer. Writes them to the envelope, cut into lines for the
     * header filters (a line may span pieces and chunks: its start is carried over, at most one
     * {@link SmtpFramer#MAX_PIECE}); drops them when the command was refused.
     */
    private final class ChunkReader implements LineHandler<SMTPSession> {
        private final Chunk chunk;

        private ChunkReader(Chunk chunk) {
            this.chunk = chunk;
        }

        @Override
        public Response onLine(SMTPSession session, byte[] piece) {
            ReceptionSession reception = ReceptionSession.of(session);
            if (reception.isClosing()) {
                return null;
            }
            if (chunk.refusal == null) {
                ChunkLines.of(session).write(session, piece, chunk.last && reception.chunkLeft() == 0, headerFilters,
                        chunk.envelope);
            }
            if (reception.chunkLeft() > 0) {
                return null;
            }
            session.popLineHandler();
            return end(session, chunk);
        }
    }
}
