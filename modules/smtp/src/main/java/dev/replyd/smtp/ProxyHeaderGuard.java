package dev.replyd.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a PROXY protocol header from a peer that is not a trusted load balancer: anyone could
 * otherwise claim any client address and get around per-IP limits and SPF.
 *
 * <p>Contract: looks at the first bytes a peer sends after the greeting. When they begin like a
 * PROXY header (v1 {@code "PROXY "} or the 12-byte v2 signature) → one {@code mail} log line
 * ({@code warning: PROXY protocol: header from an untrusted address ...}) and the connection is
 * closed without a reply. As soon as they cannot be one (for a client's {@code EHLO}, the first
 * byte), the bytes held back go on to the SMTP framer unchanged and this handler leaves the
 * pipeline: a direct SMTP client is served exactly as without PROXY support. At most 12 bytes are
 * held back.
 *
 * <p>Placement: first in the pipeline of connections from untrusted peers when
 * {@code proxy-protocol.enabled}; installed by {@link ProxyProtocolPipeline}.
 *
 * <p>Thread-safety: one instance per connection, on its event loop.
 */
final class ProxyHeaderGuard extends ChannelInboundHandlerAdapter {

    static final String NAME = "replyd-proxy-guard";

    private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private final ByteBuf held = Unpooled.buffer(V2.length, V2.length);
    private boolean refused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused || !(msg instanceof ByteBuf)) {
            if (refused) {
                io.netty.util.ReferenceCountUtil.release(msg);
            } else {
                ctx.fireChannelRead(msg);
            }
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        while (in.isReadable() && held.isWritable()) {
            held.writeByte(in.readByte());
            boolean maybeV1 = startsLike(V1);
            boolean maybeV2 = startsLike(V2);
            if ((maybeV1 && held.readableBytes() == V1.length) || (maybeV2 && held.readableBytes() == V2.length)) {
                in.release();
                refused = true;
                MailLog.proxyRefused((InetSocketAddress) ctx.channel().remoteAddress(),
                        "header from an untrusted address (not in smtp.proxy-protocol.trusted)");
                ctx.close();
                return;
            }
            if (!maybeV1 && !maybeV2) {
                pass(ctx, in);
                return;
            }
        }
        in.release();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held.refCnt() > 0) {
            held.release();
        }
    }

    private void pass(ChannelHandlerContext ctx, ByteBuf rest) {
        ByteBuf first = Unpooled.copiedBuffer(held);
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(first);
        if (rest.isReadable()) {
            ctx.fireChannelRead(rest);
        } else {
            rest.release();
        }
    }

    private boolean startsLike(byte[] signature) {
        int n = held.readableBytes();
        if (n > signature.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (held.getByte(i) != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
