package dev.replyd.smtp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.netty.AbstractAsyncServer;
import org.apache.james.protocols.netty.AbstractSSLAwareChannelPipelineFactory;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.HandlerConstants;
import org.apache.james.protocols.netty.ProtocolMDCContextFactory;
import org.apache.james.util.MDCBuilder;

/**
 * The Netty listener: James's AbstractAsyncServer with replyd's pipeline and a clean shutdown.
 *
 * <p>Contract: per connection the pipeline is James's (framer, chunked writer, timeout, core handler)
 * with four changes: the core handler is {@link SessionChannelHandler}; the framer is
 * {@link SmtpFramer} (James's AllButStartTls line framer with its STARTTLS injection guard for commands,
 * plus message lines of any length and BDAT chunks; the default framer has no guard);
 * James's TimeoutHandler is replaced by
 * {@link SessionTimeoutHandler}, and connection limits are left to {@link ConnectionAdmissionHandler}
 * (which answers 421 instead of closing silently). The framer runs on the channel's own event loop:
 * no extra executor group that could outlive {@link #unbind()} (James's NettyServer leaks one). Each
 * connection reads the current STARTTLS {@link Encryption} when it opens, so a reloaded certificate
 * applies to new connections. MDC holds the protocol and client IP only: James's standard MDC factory
 * does a reverse DNS lookup per connection on the I/O thread.
 *
 * <p>Failures: {@link #unbind()} after a failed {@code bind()} still shuts the event loops down
 * (James's unbind does nothing unless bind succeeded, leaving non-daemon threads behind).
 *
 * <p>Thread-safety: configured and bound by one thread; {@link #setEncryption} and {@link #sessions}
 * may be used from any thread.
 */
final class SmtpListener extends AbstractAsyncServer {

    private final ReceptionProtocol protocol;
    private final SmtpSettings settings;
    private final ChannelGroup sessions = new DefaultChannelGroup("replyd-smtp-sessions", GlobalEventExecutor.INSTANCE);
    private final List<EventLoopGroup> eventLoops = new ArrayList<>();
    private volatile Encryption encryption;

    SmtpListener(ReceptionProtocol protocol, SmtpSettings settings, Encryption encryption) {
        this.protocol = protocol;
        this.settings = settings;
        this.encryption = encryption;
        this.jmxName = "replyd-smtp";
        setListenAddresses(settings.bind());
        setIoWorkerCount(settings.ioThreads());
        setBossWorkerCount(Optional.empty());
        setGracefulShutdown(true);
    }

    void setEncryption(Encryption current) {
        this.encryption = current;
    }

    /** The open client connections (closed ones leave the group by themselves). */
    ChannelGroup sessions() {
        return sessions;
    }

    InetSocketAddress boundAddress() {
        return getListenAddresses().get(0);
    }

    @Override
    protected void configureBootstrap(ServerBootstrap bootstrap) {
        super.configureBootstrap(bootstrap);
        bootstrap.childOption(ChannelOption.SO_KEEPALIVE, true);
        eventLoops.add(bootstrap.config().group());
        if (bootstrap.config().childGroup() != null && bootstrap.config().childGroup() != bootstrap.config().group()) {
            eventLoops.add(bootstrap.config().childGroup());
        }
    }

    @Override
    public synchronized void unbind() {
        sessions.close().awaitUninterruptibly();
        // No quiet period: the sessions are closed, nothing is left to run. James's unbind() would
        // wait Netty's default 2 s quiet period; on a group already shutting down it returns at once.
        for (EventLoopGroup group : eventLoops) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        }
        for (EventLoopGroup group : eventLoops) {
            group.terminationFuture().awaitUninterruptibly();
        }
        eventLoops.clear();
        if (isBound()) {
            super.unbind();
        }
    }

    @Override
    protected ChannelInitializer<SocketChannel> createPipelineFactory() {
        int jamesTimeoutSeconds = (int) Math.max(1, settings.idleTimeout().toSeconds());
        return new AbstractSSLAwareChannelPipelineFactory<SocketChannel>(jamesTimeoutSeconds, 0, 0, false,
                () -> encryption,
                SmtpFramer.factory(),
                null) {
            @Override
            public void initChannel(SocketChannel channel) throws Exception {
                super.initChannel(channel);
                channel.pipeline().replace(HandlerConstants.TIMEOUT_HANDLER, HandlerConstants.TIMEOUT_HANDLER,
                        new SessionTimeoutHandler(settings.idleTimeout(), settings.sessionTimeout(), settings.hostname()));
                sessions.add(channel);
            }

            @Override
            protected ChannelInboundHandlerAdapter createHandler() {
                return new SessionChannelHandler(new AddressOnlyMdc(), protocol, encryption);
            }
        };
    }

    /** The session of a connection, once its core handler created it. */
    static Optional<ProtocolSession> session(Channel channel) {
        return Optional.ofNullable(channel.attr(BasicChannelInboundHandler.SESSION_ATTRIBUTE_KEY).get())
                .filter(ProtocolSession.class::isInstance)
                .map(ProtocolSession.class::cast);
    }

    /** MDC with protocol and client IP, without James's per-connection reverse DNS lookup. */
    private static final class AddressOnlyMdc implements ProtocolMDCContextFactory {
        @Override
        public MDCBuilder onBound(org.apache.james.protocols.api.Protocol protocol,
                io.netty.channel.ChannelHandlerContext ctx) {
            MDCBuilder mdc = MDCBuilder.create().addToContext(MDCBuilder.PROTOCOL, protocol.getName());
            if (ctx.channel().remoteAddress() instanceof InetSocketAddress) {
                InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
                if (remote.getAddress() != null) {
                    mdc.addToContext(MDCBuilder.IP, remote.getAddress().getHostAddress());
                }
            }
            return mdc;
        }

        @Override
        public MDCBuilder withContext(ProtocolSession session) {
            return MDCBuilder.create();
        }
    }
}
