package dev.replyd.smtp;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Decides, per new connection, how its first bytes are read when the PROXY protocol is enabled:
 * from a trusted balancer, a PROXY header is required ({@link HAProxyMessageDecoder} +
 * {@link ProxyProtocolHandler}); from anyone else, a PROXY header is refused ({@link ProxyHeaderGuard}).
 *
 * <p>Contract: {@link #install} puts the handlers at the front of the pipeline, before James's
 * framer; it does nothing when the protocol is off. Trust is decided on the TCP peer's address
 * only, against {@code smtp.proxy-protocol.trusted}.
 *
 * <p>Thread-safety: immutable; shared by all connections of one listener.
 */
final class ProxyProtocolPipeline {

    private final ProxyProtocolSettings settings;
    private final List<Cidr> trusted;

    ProxyProtocolPipeline(ProxyProtocolSettings settings) {
        this.settings = settings;
        this.trusted = settings.networks();
    }

    void install(SocketChannel channel) {
        if (!settings.enabled()) {
            return;
        }
        ChannelPipeline pipeline = channel.pipeline();
        if (trusts(channel.remoteAddress())) {
            pipeline.addFirst(ProxyProtocolHandler.NAME, new ProxyProtocolHandler(settings.headerTimeout()));
            pipeline.addFirst(ProxyProtocolHandler.DECODER_NAME, new HAProxyMessageDecoder());
        } else {
            pipeline.addFirst(ProxyHeaderGuard.NAME, new ProxyHeaderGuard());
        }
    }

    private boolean trusts(InetSocketAddress peer) {
        if (peer == null || peer.getAddress() == null) {
            return false;
        }
        for (Cidr cidr : trusted) {
            if (cidr.contains(peer.getAddress())) {
                return true;
            }
        }
        return false;
    }
}
