package dev.replyd.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import java.util.List;
import org.apache.james.protocols.api.CommandDetectionSession;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.AllButStartTlsLineBasedChannelHandler;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.protocols.netty.ChannelHandlerFactory;

/**
 * Cuts the client's byte stream into what the session expects next ({@link ReceptionSession.Input}).
 *
 * <p>Contract, per connection (one instance per channel, made by {@link #factory()}):
 * <ul>
 * <li>commands: James's AllButStartTls line framer unchanged: lines end at LF, at most
 * {@link #MAX_COMMAND_LINE} bytes (a longer one ends in TooLongFrameException: 500 5.5.6 and close,
 * {@link ReceptionSession#newLineTooLongResponse()}), with its STARTTLS injection guard. The guard
 * looks at the line being framed, not at bytes behind it: a BDAT chunk pipelined after its command
 * may hold a line starting with "STARTTLS" without being a command;</li>
 * <li>message lines (DATA after 354): a line ending at LF within {@link #MAX_PIECE} bytes is one piece,
 * as before; a longer line is handed on in pieces of at most MAX_PIECE bytes, never split between a CR
 * and its LF, the session told which piece continues a line ({@link ReceptionSession#continuesLine()},
 * {@link ReceptionSession#endsLine()}). So a long line is accepted and stored as sent, as Postfix
 * does, while no handler ever holds more than one piece in heap; the message size limit still counts
 * every byte;</li>
 * <li>a BDAT chunk: exactly the announced number of bytes, in pieces of at most
 * {@link #MAX_CHUNK_PIECE} of whatever has arrived, with no line structure at all (RFC 3030); the
 * bytes after the chunk are commands again, even when they came in the same read.</li>
 * </ul>
 * The mode is read from the session before each piece; Netty hands each decoded piece to the core
 * handler before decoding the next one, on the same event loop, so a command that changes the mode
 * (DATA, BDAT) takes effect for the very next byte.
 *
 * <p>Thread-safety: one instance per channel, used on its event loop only.
 */
final class SmtpFramer extends AllButStartTlsLineBasedChannelHandler {

    static final int MAX_COMMAND_LINE = AbstractChannelPipelineFactory.MAX_LINE_LENGTH;
    static final int MAX_PIECE = AbstractChannelPipelineFactory.MAX_LINE_LENGTH;
    static final int MAX_CHUNK_PIECE = 64 * 1024;
    private static final String STARTTLS = "starttls";

    private SmtpFramer(ChannelPipeline pipeline) {
        super(pipeline, MAX_COMMAND_LINE, false, STARTTLS);
    }

    static ChannelHandlerFactory factory() {
        return SmtpFramer::new;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf buffer) throws Exception {
        ReceptionSession session = session(ctx);
        ReceptionSession.Input input = session == null ? ReceptionSession.Input.COMMANDS : session.input();
        switch (input) {
            case MESSAGE_LINES:
                return messageLinePiece(session, buffer);
            case CHUNK:
                return chunkPiece(session, buffer);
            default:
                return super.decode(ctx, buffer);
        }
    }

    private static ByteBuf messageLinePiece(ReceptionSession session, ByteBuf buffer) {
        int readable = buffer.readableBytes();
        int start = buffer.readerIndex();
        int lf = buffer.indexOf(start, start + Math.min(readable, MAX_PIECE), (byte) '\n');
        if (lf >= 0) {
            session.linePieceFramed(true);
            return buffer.readRetainedSlice(lf - start + 1);
        }
        if (readable < MAX_PIECE) {
            return null;
        }
        int length = MAX_PIECE;
        if (buffer.getByte(start + length - 1) == '\r') {
            length--; // keep CR and LF together: a CR at a piece's end would look bare
        }
        session.linePieceFramed(false);
        return buffer.readRetainedSlice(length);
    }

    private static ByteBuf chunkPiece(ReceptionSession session, ByteBuf buffer) {
        int length = (int) Math.min(Math.min(buffer.readableBytes(), session.chunkLeft()), MAX_CHUNK_PIECE);
        if (length <= 0) {
            return null;
        }
        session.chunkPieceFramed(length);
        return buffer.readRetainedSlice(length);
    }

    private static ReceptionSession session(ChannelHandlerContext ctx) {
        CommandDetectionSession session = ctx.channel().attr(BasicChannelInboundHandler.SESSION_ATTRIBUTE_KEY).get();
        return session instanceof ReceptionSession ? (ReceptionSession) session : null;
    }

    /** A STARTTLS with anything pipelined behind it, judged on the line being framed only. */
    @Override
    protected boolean multiPartsAndOneStartTls(List<String> parts) {
        return parts.size() > 1 && parts.get(0).startsWith(STARTTLS);
    }

    /** "STARTTLS something": judged on the line being framed only. */
    @Override
    protected boolean hasInvalidStartTlsPart(List<String> parts) {
        return !parts.isEmpty() && parts.get(0).startsWith(STARTTLS) && !parts.get(0).endsWith(STARTTLS);
    }

    /** The line being framed is STARTTLS: no more reading until TLS is up. */
    @Override
    protected boolean hasStartTLS(String trimmedLowerCasedInput) {
        int end = 0;
        while (end < trimmedLowerCasedInput.length() && trimmedLowerCasedInput.charAt(end) != '\r'
                && trimmedLowerCasedInput.charAt(end) != '\n') {
            end++;
        }
        return trimmedLowerCasedInput.substring(0, end).equalsIgnoreCase(STARTTLS);
    }
}
