package dev.replyd.smtp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads the PROXY protocol header (HAProxy's proxy-protocol.txt, v1 text or v2 binary) that a trusted
 * load balancer sends first, and only then lets the SMTP session begin.
 *
 * <p>Contract: sits right after Netty's {@link HAProxyMessageDecoder}, which parses the header and
 * removes itself. Until the header is read this handler holds back {@code channelActive}, so no
 * greeting is sent and no connect handler runs with the balancer's address. Then:
 * <ul>
 *   <li>{@code PROXY} for TCP over IPv4/IPv6 → the announced source becomes the client
 *       ({@link ClientAddress#announce}); v2 TLVs (AWS NLB, Azure, GCP add some) are ignored;</li>
 *   <li>{@code LOCAL} (the balancer's own health check) or v1 {@code PROXY UNKNOWN} → the session
 *       runs with the real TCP peer, as the specification says (section 2.1 and 2.2);</li>
 *   <li>UDP or UNIX sockets, a malformed header, anything that is not a PROXY header, or no header
 *       within {@code header-timeout} → one {@code mail} log line and the connection is closed
 *       without a reply (the peer is a balancer, not an SMTP client).</li>
 * </ul>
 * The session then starts as on a direct connection: greeting, STARTTLS (the TLS handler goes in
 * front of the pipeline, where this handler and the decoder no longer are), and bytes the balancer
 * sent after the header go to the SMTP framer. A connection closed before any byte (TCP health
 * checks) is not logged.
 *
 * <p>Placement: installed by {@link ProxyProtocolPipeline} for trusted peers only.
 *
 * <p>Thread-safety: one instance per connection, on its event loop.
 */
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "replyd-proxy-protocol";
    static final String DECODER_NAME = "replyd-proxy-decoder";

    private final Duration timeout;
    private ScheduledFuture<?> deadline;
    private boolean done;

    ProxyProtocolHandler(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> refuse(ctx, "no PROXY header within " + timeout.toMillis() + " ms"),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof HAProxyMessage)) {
            // After a refusal, or a stray message: nothing may reach the session that never began.
            ReferenceCountUtil.release(msg);
            return;
        }
        HAProxyMessage header = (HAProxyMessage) msg;
        try {
            accept(ctx, header);
        } finally {
            header.release();
        }
    }

    private void accept(ChannelHandlerContext ctx, HAProxyMessage header) {
        HAProxyProxiedProtocol proxied = header.proxiedProtocol();
        boolean announcesTcpClient = header.command() == HAProxyCommand.PROXY
                && (proxied == HAProxyProxiedProtocol.TCP4 || proxied == HAProxyProxiedProtocol.TCP6);
        boolean usePeer = header.command() == HAProxyCommand.LOCAL || proxied == HAProxyProxiedProtocol.UNKNOWN;
        if (!announcesTcpClient && !usePeer) {
            refuse(ctx, "unsupported proxied protocol " + proxied + " (expected: TCP over IPv4 or IPv6)");
            return;
        }
        if (announcesTcpClient) {
            InetSocketAddress source = address(header.sourceAddress(), header.sourcePort());
            InetSocketAddress destination = address(header.destinationAddress(), header.destinationPort());
            if (source == null || destination == null) {
                refuse(ctx, "PROXY header without a valid address");
                return;
            }
            ClientAddress.announce(ctx.channel(), source, destination);
        }
        done = true;
        cancelDeadline();
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (done) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        refuse(ctx, "invalid header (" + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()) + ")");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The session never began: its handlers must not see an end either.
        cancelDeadline();
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        if (done) {
            return;
        }
        done = true;
        cancelDeadline();
        MailLog.proxyRefused((InetSocketAddress) ctx.channel().remoteAddress(), reason);
        ctx.close();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    /** An address literal to a socket address without any name lookup; null when not a literal. */
    private static InetSocketAddress address(String literal, int port) {
        byte[] bytes = literal == null ? null : NetUtil.createByteArrayFromIpAddressString(literal);
        if (bytes == null) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (java.net.UnknownHostException wrongLength) {
            return null;
        }
    }
}
