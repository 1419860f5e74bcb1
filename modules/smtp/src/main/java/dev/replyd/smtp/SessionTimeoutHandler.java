package dev.replyd.smtp;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends sessions that wait too long for the client or last too long altogether, with a 421 first.
 *
 * <p>Contract: no bytes read for {@code idle-timeout} (RFC 5321 4.5.3.2.7: at least 5 minutes), or the
 * session older than {@code session-timeout} however busy (a client dripping one line per minute would
 * otherwise hold a connection forever) → {@code 421 4.4.2 <host> Error: timeout exceeded}, then close.
 * The disconnect handlers then abort any message in progress. Replaces James's TimeoutHandler, which
 * closes silently and only on the second idle period (so after twice the configured time).
 *
 * <p>Placement: in the Netty pipeline where James puts its TimeoutHandler (after the framer, before
 * the core handler); the 421 goes out through the TLS handler when STARTTLS is active.
 *
 * <p>Thread-safety: one instance per connection, used on its event loop only.
 */
final class SessionTimeoutHandler extends IdleStateHandler {

    private final Duration sessionTimeout;
    private final byte[] reply;
    private ScheduledFuture<?> deadline;

    SessionTimeoutHandler(Duration idleTimeout, Duration sessionTimeout, String hostname) {
        super(idleTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS);
        this.sessionTimeout = sessionTimeout;
        this.reply = (SmtpReplies.timeout(hostname).getLines().get(0) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        deadline = ctx.executor().schedule(() -> expire(ctx, "session time limit exceeded"),
                sessionTimeout.toMillis(), TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (deadline != null) {
            deadline.cancel(false);
        }
        super.channelInactive(ctx);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        if (event.state() == IdleState.READER_IDLE) {
            expire(ctx, "idle timeout");
        }
    }

    private void expire(ChannelHandlerContext ctx, String what) {
        if (!ctx.channel().isActive()) {
            return;
        }
        MailLog.timeout(ClientAddress.of(ctx.channel()), "timeout (" + what + ")");
        ctx.writeAndFlush(Unpooled.wrappedBuffer(reply)).addListener(ChannelFutureListener.CLOSE);
    }
}
