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
 * One SMTP session, as James's {@link SMTPSessionImpl} plus the fixes and the input state replyd relies on.
 *
 * <p>Contract:
 * <ul>
 * <li>A command line over the framer's limit (8192 bytes) gets {@code 500 5.5.6} and the connection is
 * closed. (Stock 3.8.1 answers "500 Line length exceeded" even in the middle of DATA, drops the line and
 * then accepts the truncated message at the dot, with the client out of step; replyd frames message
 * lines of any length instead, see {@link SmtpFramer}.)</li>
 * <li>{@link #resetState()} (RSET, HELO/EHLO, end of DATA, disconnect) first aborts an uncommitted
 * {@link MaildirEnvelope}, so no tmp/ file outlives its transaction, whatever ended it.</li>
 * <li>{@link #resetState()} turns STARTTLS command-injection detection back on while TLS is not active.
 * DataCmdHandler turns it off for the message body and 3.8.1 never turns it on again, which would let
 * "STARTTLS\r\nMAIL ..." in one packet inject plaintext commands into the TLS session after a first
 * message (CVE-2021-38542 family).</li>
 * <li>How the next input bytes are framed ({@link Input}): command lines (at most 8192 bytes, a longer
 * one closes the connection as above), message lines after DATA's 354 (any length: a line longer than
 * a piece arrives as several pieces, see {@link #continuesLine()}), or the n bytes of a BDAT chunk.
 * {@link SmtpFramer} reads this before framing each piece; handlers set it.</li>
 * </ul>
 * Once {@link #markClosing()} was called, every further line is ignored until the connection closes
 * (see {@link CommandAccountingDispatcher} and {@link BareLineFeedFilter}). {@link #pauseReading}
 * holds the connection's next command back for a while ({@link InFlowDelay}).
 *
 * <p>Thread-safety: confined to one session (its Netty I/O thread).
 */
final class ReceptionSession extends SMTPSessionImpl {

    /** What the next bytes from the client are. */
    enum Input {
        /** Command lines, each at most {@link SmtpFramer#MAX_COMMAND_LINE} bytes. */
        COMMANDS,
        /** DATA message lines, handed on in pieces of at most {@link SmtpFramer#MAX_PIECE} bytes. */
        MESSAGE_LINES,
        /** The bytes of a BDAT chunk ({@link #chunkLeft()} more), in pieces of at most {@link SmtpFramer#MAX_CHUNK_PIECE}. */
        CHUNK
    }

    private boolean closing;
    private Channel channel;
    private Input input = Input.COMMANDS;
    private long chunkLeft;
    private boolean lineOpen;
    private boolean pieceContinuesLine;
    private boolean pieceEndsLine = true;

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

    /**
     * Commands are read as UTF-8 (RFC 6531: an SMTPUTF8 sender's address is UTF-8); ASCII commands read
     * the same, invalid bytes become U+FFFD. Replies are still written as ASCII by James.
     */
    @Override
    public java.nio.charset.Charset getCharset() {
        return java.nio.charset.StandardCharsets.UTF_8;
    }

    @Override
    public Response newFatalErrorResponse() {
        return SmtpReplies.INTERNAL_ERROR;
    }

    @Override
    public void resetState() {
        abortMessage();
        input = Input.COMMANDS;
        chunkLeft = 0;
        lineOpen = false;
        pieceContinuesLine = false;
        pieceEndsLine = true;
        super.resetState();
        if (!isTLSStarted()) {
            // After STARTTLS James switches detection off for good (the framer's "STARTTLS in flight"
            // flag stays set and would refuse every later line); no second STARTTLS is possible then.
            startDetectingCommandInjection();
        }
    }

    Input input() {
        return input;
    }

    /** From now on the client's bytes are message lines (DATA after 354), until {@link #resetState()}. */
    void expectMessageLines() {
        input = Input.MESSAGE_LINES;
        lineOpen = false;
    }

    /** The next {@code octets} bytes (more than 0) are a BDAT chunk; then commands again. */
    void expectChunk(long octets) {
        input = Input.CHUNK;
        chunkLeft = octets;
    }

    long chunkLeft() {
        return chunkLeft;
    }

    /** Called by {@link SmtpFramer} for each chunk piece it hands on: {@code octets} fewer are left. */
    void chunkPieceFramed(int octets) {
        chunkLeft -= octets;
        if (chunkLeft <= 0) {
            chunkLeft = 0;
            input = Input.COMMANDS;
        }
    }

    /**
     * Called by {@link SmtpFramer} for each message-line piece it hands on; {@code endsLine} is false
     * when the piece stops before the line's LF (a line longer than one piece).
     */
    void linePieceFramed(boolean endsLine) {
        pieceContinuesLine = lineOpen;
        pieceEndsLine = endsLine;
        lineOpen = !endsLine;
    }

    /** The next line piece starts a line (BDAT: after the last bytes of a message without a final LF). */
    void lineEnded() {
        lineOpen = false;
    }

    /**
     * True when the DATA piece being handled is not the start of a line but the rest of a line longer
     * than one piece: it must not be read as a header name, an end-of-data dot or a dot to unstuff.
     */
    boolean continuesLine() {
        return pieceContinuesLine;
    }

    /** False when the DATA piece being handled stops before the end of its line (no LF yet). */
    boolean endsLine() {
        return pieceEndsLine;
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
