package dev.replyd.smtp;

import dev.replyd.maildir.ClientText;
import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.maildir.Maildir;
import io.netty.channel.Channel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * NAME
 *   SmtpServer - replyd's inbound ESMTP server: signed reply addresses in, durable Maildir files out
 *
 * SYNOPSIS
 *   try (SmtpServer server = SmtpServer.start(settings, codec, maildir)) {
 *       ... server.address() ...
 *       server.stop(Duration.ofSeconds(30));   // on SIGTERM
 *   }
 *
 * DESCRIPTION
 *   Listens on {@link SmtpSettings#bind()} and speaks ESMTP (RFC 5321) with SIZE (RFC 1870), 8BITMIME
 *   (RFC 6152), PIPELINING (RFC 2920), ENHANCEDSTATUSCODES (RFC 2034/3463), SMTPUTF8 (RFC 6531/6532),
 *   CHUNKING (BDAT, RFC 3030) and, with both PEM files set, STARTTLS (RFC 3207, TLS 1.2+) and after it
 *   REQUIRETLS (RFC 8689). Recipients are decided at RCPT time (see {@code RecipientPolicyHook}; a
 *   recipient repeated in one transaction is stored once); the message (DATA lines of any length, or
 *   BDAT chunks) streams into {@link Maildir#begin} (one file per stored
 *   recipient) and "250 2.0.0 Ok: queued as ID" is sent only after {@code Delivery.commit()} returned,
 *   i.e. once every file and the new/ directory are fsynced. The {@code mail} log gets one
 *   Postfix-like line per event.
 *
 * DIAGNOSTICS
 *   {@link #start} throws IOException naming the bind address when it cannot listen (port taken, no
 *   permission for a port below 1024), or naming the TLS files when they cannot be used. SMTP clients
 *   get fixed texts with enhanced codes; the detail goes to the {@code mail} log.
 *
 * SECURITY
 *   Faces the Internet. Never relays; refuses bare CR/LF in DATA (SMTP smuggling), over-long command lines,
 *   oversized messages, too many recipients, errors, connections and slow sessions with the codes of
 *   RFC 5321/3463. Nothing secret is logged; client text is logged and echoed escaped ({@code ClientText}). James's own loggers repeat what the {@code mail} log
 *   says, at INFO or ERROR; quiet them in logback: {@code org.apache.james} at WARN (per-connection
 *   INFO lines of BasicChannelInboundHandler, address parse INFO of Mail/RcptCmdHandler, "command after
 *   close" of AbstractProtocolTransport) and
 *   {@code org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension} OFF (an ERROR per
 *   oversized message, a client fault). James ERRORs left after that are bugs. {@code io.netty} at WARN.
 *
 * THREAD SAFETY
 *   {@link #address}, {@link #reloadTls} and {@link #stop} may be called from any thread; stop is
 *   idempotent. Sessions run on {@link SmtpSettings#ioThreads()} Netty threads ("replyd-smtp-io-N").
 */
public final class SmtpServer implements AutoCloseable {

    private static final long DRAIN_POLL_MILLIS = 20;

    private final SmtpSettings settings;
    private final SmtpListener listener;
    private final ServerState state;
    private final InetSocketAddress address;
    private boolean stopped;

    private SmtpServer(SmtpSettings settings, SmtpListener listener, ServerState state) {
        this.settings = settings;
        this.listener = listener;
        this.state = state;
        this.address = listener.boundAddress();
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound (the message names it and the usual causes)
     *     or the TLS files cannot be used (the message names the key and the file)
     */
    public static SmtpServer start(SmtpSettings settings, ReplyAddressCodec codec, Maildir maildir) throws IOException {
        return start(settings, codec, maildir, new SimpleMeterRegistry());
    }

    /** As {@link #start(SmtpSettings, ReplyAddressCodec, Maildir)}, counting into {@code registry} ({@link SmtpMetrics}). */
    public static SmtpServer start(SmtpSettings settings, ReplyAddressCodec codec, Maildir maildir,
            MeterRegistry registry) throws IOException {
        return start(settings, codec, maildir, registry, InFlowDelay.off());
    }

    /** As above, pausing clients after each stored message while {@code inFlow} says processing lags. */
    public static SmtpServer start(SmtpSettings settings, ReplyAddressCodec codec, Maildir maildir,
            MeterRegistry registry, InFlowDelay inFlow) throws IOException {
        Objects.requireNonNull(inFlow, "inFlow");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(maildir, "maildir");
        if (!codec.replyDomain().equalsIgnoreCase(settings.replyDomain())) {
            throw new IllegalArgumentException("replyd.reply-domain: \"" + settings.replyDomain()
                    + "\" differs from the address codec's \"" + codec.replyDomain()
                    + "\" (expected: the same reply domain for SMTP and the codec)");
        }
        Encryption tls = settings.tlsEnabled() ? PemStartTls.load(settings.tlsCert(), settings.tlsKey()) : null;
        ServerState state = new ServerState();
        SmtpMetrics counters = new SmtpMetrics(registry);
        ConnectionAdmissionHandler admission = new ConnectionAdmissionHandler(settings, state, counters);
        counters.bindActive(admission::open);
        ReceptionProtocol protocol = ReceptionChain.build(settings, codec, maildir, state, admission, counters, inFlow);
        SmtpListener listener = new SmtpListener(protocol, settings, tls);
        try {
            listener.bind();
        } catch (Exception e) {
            listener.unbind();
            InetSocketAddress bind = settings.bind();
            throw new IOException("replyd.smtp.bind/port: cannot listen on " + bind.getHostString() + ":"
                    + bind.getPort() + ": " + e.getMessage() + " (expected: a free port on a local address;"
                    + " is another MTA listening there? check with: ss -ltnp 'sport = :" + bind.getPort() + "';"
                    + " ports below 1024 need CAP_NET_BIND_SERVICE)", e);
        }
        SmtpServer server = new SmtpServer(settings, listener, state);
        MailLog.listening(server.address, tls != null);
        return server;
    }

    /** The address actually bound (with the real port when {@link SmtpSettings#bind()} had port 0). */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Graceful stop: new connections get {@code 421 4.3.2}, sessions outside a transaction get it too
     * and are closed, transactions in flight may finish (their 250 is still sent) until {@code grace}
     * has passed; then every connection is closed (unfinished messages are aborted: nothing partial
     * reaches new/) and the threads end. Returns once the port is released and the event loops have
     * terminated.
     */
    public synchronized void stop(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        state.startDraining();
        List<Channel> open = new ArrayList<>(listener.sessions());
        MailLog.draining(open.size());
        for (Channel channel : open) {
            channel.eventLoop().execute(() -> closeIfIdle(channel));
        }
        long deadline = System.nanoTime() + Math.max(0, grace.toNanos());
        while (!listener.sessions().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(DRAIN_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        listener.unbind();
        MailLog.stopped();
    }

    /** Stops at once: {@link #stop(Duration)} with no grace. */
    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    /**
     * Replaces the STARTTLS certificate for connections opened from now on (e.g. after a renewal).
     * Enables STARTTLS if it was off.
     *
     * @throws IOException when the files cannot be used; the previous certificate stays in use
     */
    public void reloadTls(Path certificate, Path key) throws IOException {
        listener.setEncryption(PemStartTls.load(certificate, key));
        MailLog.tlsReloaded(certificate.toString());
    }

    /** Runs on the channel's event loop: a session between transactions is told 421 and closed. */
    private void closeIfIdle(Channel channel) {
        SmtpListener.session(channel)
                .filter(SMTPSession.class::isInstance)
                .map(SMTPSession.class::cast)
                .filter(session -> !ReceptionSession.inTransaction(session))
                .ifPresent(session -> {
                    ReceptionSession.of(session).markClosing();
                    Response reply = SmtpReplies.shuttingDown(settings.hostname());
                    ((ProtocolSessionImpl) session).getProtocolTransport().writeResponse(reply, session);
                });
    }

    @Override
    public String toString() {
        return "SmtpServer[" + address.getHostString() + ":" + address.getPort() + "]";
    }
}
