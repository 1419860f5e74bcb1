package dev.replyd.smtp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLException;
import org.apache.james.protocols.api.Protocol;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.protocols.netty.CommandInjectionDetectedException;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.ProtocolMDCContextFactory;

/**
 * James's per-connection core handler, with the two everyday network events reported in the
 * {@code mail} log instead of as James ERRORs with stack traces.
 *
 * <p>Contract: an I/O error (connection reset, broken pipe) → {@code lost connection from …} and the
 * channel is closed; a failed TLS handshake (e.g. a client offering only TLS 1.1) → {@code TLS handshake
 * failed from …} and close; a STARTTLS command injection caught by the framer (a command pipelined behind
 * STARTTLS, CVE-2021-38542 family) → {@code 554 5.5.1} and close, logged as a warning. A line over the
 * framer's limit keeps James's path ({@link ReceptionSession#newLineTooLongResponse()}). Anything else
 * is a bug and goes to James's handler (ERROR log, 451 and close).
 *
 * <p>Thread-safety: one instance per connection, on its event loop.
 */
final class SessionChannelHandler extends BasicChannelInboundHandler {

    SessionChannelHandler(ProtocolMDCContextFactory mdc, Protocol protocol, Encryption encryption) {
        super(mdc, protocol, encryption, false);
    }

    /** Lets the session pause its own connection ({@link ReceptionSession#pauseReading}). */
    @Override
    protected ProtocolSession createSession(ChannelHandlerContext ctx) {
        ProtocolSession session = super.createSession(ctx);
        ClientAddress.adopt(ctx.channel(), session);
        if (session instanceof ReceptionSession) {
            ((ReceptionSession) session).attach(ctx.channel());
        }
        return session;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        ProtocolSession session = (ProtocolSession) ctx.channel().attr(SESSION_ATTRIBUTE_KEY).get();
        InetSocketAddress remote = ClientAddress.of(ctx.channel());
        Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (cause instanceof TooLongFrameException) {
            super.exceptionCaught(ctx, cause);
        } else if (reason instanceof CommandInjectionDetectedException) {
            // The framer throws again for the rest of the buffer when the channel closes: answer once.
            if (session != null && !ReceptionSession.of(session).isClosing()) {
                MailLog.commandInjection(remote);
                ReceptionSession.of(session).markClosing();
                ((ProtocolSessionImpl) session).getProtocolTransport().writeResponse(SmtpReplies.PIPELINED_STARTTLS, session);
            }
            ctx.close();
        } else if (reason instanceof SSLException) {
            MailLog.tlsFailed(remote, reason.getMessage());
            ctx.close();
        } else if (reason instanceof IOException) {
            MailLog.lostConnection(remote, reason.getMessage());
            ctx.close();
        } else {
            super.exceptionCaught(ctx, cause);
        }
    }
}
