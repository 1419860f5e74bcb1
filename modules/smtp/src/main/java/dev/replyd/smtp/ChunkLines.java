package dev.replyd.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataLineFilter;

/**
 * Writes a BDAT message's bytes to its envelope, cutting the header section into lines for the DATA
 * header filters on the way ({@link BdatCmdHandler}).
 *
 * <p>Contract: bytes are written exactly as received. Until the first empty line (LF or CR LF alone)
 * they go out line by line (a line ends at LF; a longer one than {@link SmtpFramer#MAX_PIECE} goes in
 * pieces, marked as DATA's are, {@link ReceptionSession#linePieceFramed}) through the given filters,
 * whose last handler writes them; after it, every piece is written whole. The start of a line that
 * continues in the next chunk is carried over (at most one piece). At the end of the message a
 * header section that never ended is closed for the filters with an empty line that is not stored,
 * so a held header field is released (or dropped) as at DATA's final dot.
 *
 * <p>Thread-safety: a Transaction-scoped session attachment; confined to one session.
 */
final class ChunkLines {

    private static final ProtocolSession.AttachmentKey<ChunkLines> KEY =
            ProtocolSession.AttachmentKey.of("replyd.chunk-lines", ChunkLines.class);

    private final ByteArrayOutputStream carry = new ByteArrayOutputStream();
    private boolean inBody;

    static ChunkLines of(SMTPSession session) {
        return SessionAttachments.getOrCreate(session, KEY, ProtocolSession.State.Transaction, ChunkLines::new);
    }

    void write(SMTPSession session, byte[] piece, boolean endOfMessage, List<DataLineFilter> filters,
            MaildirEnvelope envelope) {
        OutputStream out = envelope.getMessageOutputStream();
        int start = 0;
        while (start < piece.length && !inBody) {
            int lf = indexOfLf(piece, start);
            int end = lf < 0 ? piece.length : lf + 1;
            int room = SmtpFramer.MAX_PIECE - carry.size();
            if (end - start > room) {
                end = start + room;
                emit(session, join(piece, start, end), false, filters, out);
            } else if (lf < 0) {
                carry.write(piece, start, end - start);
            } else {
                emit(session, join(piece, start, end), true, filters, out);
            }
            start = end;
        }
        if (inBody && start < piece.length) {
            write(out, piece, start, piece.length - start);
        }
        if (endOfMessage && !inBody) {
            if (carry.size() > 0) {
                emit(session, join(piece, 0, 0), false, filters, out);
            }
            ReceptionSession.of(session).lineEnded();
            byte[] endOfHeader = {'\r', '\n'};
            // the filters pass this very array on; what they release before it (a held field) is stored
            run(session, endOfHeader, filters, (s, line) -> {
                if (line != endOfHeader) {
                    write(out, line, 0, line.length);
                }
                return null;
            });
            inBody = true;
        }
    }

    private void emit(SMTPSession session, byte[] line, boolean endsLine, List<DataLineFilter> filters, OutputStream out) {
        ReceptionSession reception = ReceptionSession.of(session);
        reception.linePieceFramed(endsLine);
        boolean empty = endsLine && !reception.continuesLine()
                && (line.length == 1 || (line.length == 2 && line[0] == '\r'));
        run(session, line, filters, (s, bytes) -> {
            write(out, bytes, 0, bytes.length);
            return null;
        });
        if (empty) {
            inBody = true;
        }
    }

    private static void run(SMTPSession session, byte[] line, List<DataLineFilter> filters, LineHandler<SMTPSession> last) {
        LineHandler<SMTPSession> handler = last;
        for (int i = filters.size() - 1; i >= 0; i--) {
            DataLineFilter filter = filters.get(i);
            LineHandler<SMTPSession> next = handler;
            handler = (s, bytes) -> filter.onLine(s, bytes, next);
        }
        handler.onLine(session, line);
    }

    /** The carried-over start of the line plus {@code piece[start, end)}; empties the carry. */
    private byte[] join(byte[] piece, int start, int end) {
        if (carry.size() == 0) {
            return java.util.Arrays.copyOfRange(piece, start, end);
        }
        carry.write(piece, start, end - start);
        byte[] line = carry.toByteArray();
        carry.reset();
        return line;
    }

    private static int indexOfLf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static void write(OutputStream out, byte[] bytes, int offset, int length) {
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            // MaildirEnvelope's stream never throws: it keeps write failures for the end of the chunk
            throw new IllegalStateException("cannot write message data: " + e.getMessage(), e);
        }
    }
}
