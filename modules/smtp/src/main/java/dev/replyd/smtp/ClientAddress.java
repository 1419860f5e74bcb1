package dev.replyd.smtp;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProxyInformation;

/**
 * The one answer to "who is the SMTP client of this connection": the address a trusted load balancer
 * announced in a PROXY header, else the TCP peer.
 *
 * <p>Contract: {@link ProxyProtocolHandler} records the announced addresses on the channel before the
 * session exists; {@link #adopt} copies them into the James session when it is created, after which
 * {@code ProtocolSession.getRemoteAddress()} (James returns the proxy source when set) gives the
 * client everywhere: connection limits per IP, the {@code mail} log, the {@code Received} header (and
 * from it SPF and the payload's {@code client_ip}). Channel-level code that runs without a session
 * (timeouts, I/O errors, MDC) asks {@link #of(Channel)}.
 *
 * <p>Thread-safety: stateless; channel attributes are thread-safe.
 */
final class ClientAddress {

    private static final AttributeKey<ProxyInformation> PROXIED = AttributeKey.valueOf("replyd.proxied");

    private ClientAddress() {
    }

    /** Called once, by the PROXY header reader, before the session is created. */
    static void announce(Channel channel, InetSocketAddress client, InetSocketAddress destination) {
        channel.attr(PROXIED).set(new ProxyInformation(client, destination));
    }

    /** Called once, when the session of {@code channel} is created. */
    static void adopt(Channel channel, ProtocolSession session) {
        ProxyInformation proxied = channel.attr(PROXIED).get();
        if (proxied != null) {
            session.setProxyInformation(proxied);
        }
    }

    /** The client of {@code channel}: the announced one, else the TCP peer (null when unknown). */
    static InetSocketAddress of(Channel channel) {
        ProxyInformation proxied = channel.attr(PROXIED).get();
        if (proxied != null) {
            return proxied.getSource();
        }
        SocketAddress peer = channel.remoteAddress();
        return peer instanceof InetSocketAddress ? (InetSocketAddress) peer : null;
    }

    /** The TCP peer when the client was announced by a proxy (the balancer), for the log. */
    static Optional<InetSocketAddress> proxy(Channel channel) {
        SocketAddress peer = channel.remoteAddress();
        return channel.attr(PROXIED).get() != null && peer instanceof InetSocketAddress
                ? Optional.of((InetSocketAddress) peer) : Optional.empty();
    }
}
