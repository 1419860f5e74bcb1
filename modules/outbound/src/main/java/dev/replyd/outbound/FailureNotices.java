package dev.replyd.outbound;

import dev.replyd.maildir.ClientText;
import dev.replyd.maildir.FailureRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FailureNotices - tells a person, once and politely, that the reply they mailed was filed as failure and not
 * posted (the optional notice of issue 6, {@code replyd.notices}).
 *
 * <p>Contract: {@link #offer} decides at once, on the caller's thread and without blocking, and queues the
 * notice for the one sender thread ({@code replyd-notices}). A notice is sent only when all hold:
 * <ol>
 *   <li>{@code enabled} (when off, {@link #offer} does nothing at all: no log, no count);
 *   <li>the reason is in {@code reasons} and not in {@link NoticeSettings#NEVER_REASONS} ({@code auto_reply},
 *       {@code unauthenticated}, {@code invalid_token}, {@code unknown_kind}: their sender is automatic or
 *       unverified, and mail to a forged sender is backscatter);
 *   <li>the envelope sender is known, not the null sender {@code <>}, a plain address, not {@code MAILER-DAEMON},
 *       {@code postmaster}, {@code owner-*} or {@code *-request} (RFC 3834 section 2), not in the reply domain
 *       and not one of replyd's own addresses (each of these could answer back: a loop);
 *   <li>the sender got no notice within {@code per-sender-interval}, and fewer than {@code max-per-hour}
 *       notices went out in the last hour (a notice that passes counts against both limits when queued);
 *   <li>the queue has room ({@code queueCapacity}); a full queue drops the notice, the worker never waits.
 * </ol>
 * The sender thread submits each notice ({@link NoticeMessage}) once through {@link SmtpSubmission} with the
 * null reverse-path {@code MAIL FROM:<>} (RFC 3834 section 3.3: nothing may bounce back to replyd). A notice to a
 * UTF-8 sender (RFC 6531, such as {@code josé@correo.example}) goes out with {@code MAIL FROM:<> SMTPUTF8} and a
 * UTF-8 To field when the relay offers SMTPUTF8; when it does not, the notice is not sent and counted as
 * {@code skipped} ({@code "relay <host>:<port> does not offer SMTPUTF8, needed for <sender>"}), not as failed: the
 * relay works, it only cannot carry this notice, and a retry would meet the same relay.
 *
 * <p>Log and metrics: one line per decision on the {@code replies} log, starting with the message file name:
 * {@code "<name>: notice sent to <sender> (<reason>)"} or {@code "<name>: notice not sent: <why>"}, every sender
 * address escaped ({@link ClientText}: it came from the network), the why of a failed send holding the relay's
 * reply (the SMTP transcript, credentials masked, goes to DEBUG). Counter
 * {@code replyd_notices_total{outcome}} with outcome {@code sent}, {@code rate_limited}, {@code skipped},
 * {@code dropped} or {@code failed}.
 *
 * <p>Failures: a failed submission is logged and counted as {@code failed}, never retried: a notice is a
 * courtesy, the reply itself is safe in {@code incoming-mail/failure}, and a relay that refuses now would
 * otherwise pile retries into a queue meant for fresh notices; a notice that arrives hours late is worse than
 * none. Limits and queue live in memory: a restart forgets which senders were told, and notices still queued
 * at {@link #stop} are dropped (logged). {@link #offer} never throws for a bad sender or a full queue.
 *
 * <p>Security: the relay password stays inside {@link SmtpSubmission}; neither the reply text nor the reason
 * detail is mailed.
 *
 * <p>Thread-safety: {@link #offer} may be called by any number of workers (decisions are serialised by one
 * lock held for microseconds, never during I/O); {@link #stop} from any thread, idempotent.
 */
public final class FailureNotices implements AutoCloseable {

    static final Logger REPLIES = LoggerFactory.getLogger("replies");

    /** Values of the {@code outcome} label: a small fixed set. */
    enum Outcome { SENT, RATE_LIMITED, SKIPPED, DROPPED, FAILED }

    private static final long POLL_MS = 200;

    private final Outbound outbound;
    private final NoticeSettings settings;
    private final Clock clock;
    private final SSLSocketFactory tls;
    private final NoticeRateLimit limits;
    private final BlockingQueue<Pending> queue;
    private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);
    private final Thread sender;
    private volatile boolean stopping;

    private record Pending(FailureRecord failure, InternetAddress recipient) {
    }

    private FailureNotices(Outbound outbound, NoticeSettings settings, MeterRegistry registry, Clock clock,
                           SSLSocketFactory tls) {
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tls = Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(registry, "registry");
        this.limits = new NoticeRateLimit(settings.perSenderInterval(), settings.maxPerHour());
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        for (Outcome outcome : Outcome.values()) {
            counters.put(outcome, Counter.builder("replyd.notices")
                    .description("Failure notices to senders, by outcome")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
        this.sender = new Thread(this::run, "replyd-notices");
        sender.setDaemon(true);
    }

    /**
     * Starts the sender thread (when {@code settings.enabled()}) and returns the notices. The relay's
     * certificate is checked against the JVM trust store.
     */
    public static FailureNotices start(Outbound outbound, NoticeSettings settings, MeterRegistry registry) {
        return start(outbound, settings, registry, Clock.systemUTC(),
                (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** As above with the limits' clock and the TLS trust given (tests). */
    static FailureNotices start(Outbound outbound, NoticeSettings settings, MeterRegistry registry, Clock clock,
                                SSLSocketFactory tls) {
        FailureNotices notices = new FailureNotices(outbound, settings, registry, clock, tls);
        if (settings.enabled()) {
            notices.sender.start();
            REPLIES.info("failure notices on: reasons {}, one per sender per {}, at most {} per hour, through {}:{}",
                    settings.reasons(), settings.perSenderInterval(), settings.maxPerHour(), outbound.host(),
                    outbound.port());
        }
        return notices;
    }

    /**
     * Decides whether {@code failure} gets a notice and queues it if so; returns at once. Everything it
     * decides is logged and counted (see the class comment).
     */
    public void offer(FailureRecord failure) {
        Objects.requireNonNull(failure, "failure");
        if (!settings.enabled()) {
            return;
        }
        String name = failure.deliveryId();
        String skip = skipReason(failure);
        if (skip != null) {
            notSent(name, Outcome.SKIPPED, skip);
            return;
        }
        InternetAddress recipient;
        try {
            recipient = SmtpSubmission.address(failure.envelopeSender(), "envelope sender");
        } catch (AddressException e) {
            notSent(name, Outcome.SKIPPED, e.getMessage());
            return;
        }
        String address = recipient.getAddress();
        String loop = loopReason(address, ClientText.escape(address));
        if (loop != null) {
            notSent(name, Outcome.SKIPPED, loop);
            return;
        }
        synchronized (limits) {
            if (stopping) {
                notSent(name, Outcome.DROPPED, "replyd is stopping");
                return;
            }
            String limited = limits.refusal(address, clock.instant());
            if (limited != null) {
                notSent(name, Outcome.RATE_LIMITED, limited);
                return;
            }
            if (!queue.offer(new Pending(failure, recipient))) {
                notSent(name, Outcome.DROPPED, "queue full (" + settings.queueCapacity()
                        + " notices waiting for the relay)");
                return;
            }
            limits.record(address, clock.instant());
        }
    }

    /**
     * Stops taking notices, lets the one in hand finish for up to {@code grace} (each relay step is bounded by
     * the send timeout anyway), and drops what is still queued, logging each. Idempotent.
     */
    public void stop(Duration grace) {
        synchronized (limits) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        if (sender.isAlive()) {
            try {
                sender.join(Math.max(1, grace.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (sender.isAlive()) {
                REPLIES.warn("failure notices: the notice in hand is still being sent after {}; leaving it", grace);
            }
        }
        for (Pending left; (left = queue.poll()) != null; ) {
            notSent(left.failure().deliveryId(), Outcome.DROPPED, "replyd is stopping");
        }
    }

    /** {@link #stop(Duration)} with the send timeout as grace. */
    @Override
    public void close() {
        stop(settings.sendTimeout());
    }

    private String skipReason(FailureRecord failure) {
        String reason = failure.reason();
        if (NoticeSettings.NEVER_REASONS.contains(reason)) {
            return reason + " is never answered (the sender is automatic or unverified: a notice would be "
                    + "backscatter or a loop)";
        }
        if (!settings.reasons().contains(reason)) {
            return reason + " is not in replyd.notices.reasons";
        }
        String sender = failure.envelopeSender();
        if (sender == null) {
            return "envelope sender unknown";
        }
        if (sender.isBlank()) {
            return "null sender <> (a bounce or automatic mail)";
        }
        return null;
    }

    private String loopReason(String address, String shown) {
        String lower = address.toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf('@');
        String local = lower.substring(0, at);
        String domain = lower.substring(at + 1);
        if (local.equals("mailer-daemon") || local.equals("postmaster") || local.startsWith("owner-")
                || local.endsWith("-request")) {
            return shown + " is a system or list address (RFC 3834 section 2)";
        }
        String replyDomain = settings.replyDomain().toLowerCase(Locale.ROOT);
        if (!replyDomain.isEmpty() && (domain.equals(replyDomain) || domain.endsWith("." + replyDomain))) {
            return shown + " is in our reply domain " + replyDomain + " (loop)";
        }
        Set<String> own = settings.ownAddresses();
        if (own.stream().anyMatch(o -> o.equalsIgnoreCase(address)) || outbound.from().equalsIgnoreCase(address)) {
            return shown + " is one of our own addresses (loop)";
        }
        return null;
    }

    private void run() {
        try {
            while (!stopping) {
                Pending next = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (next == null) {
                    continue;
                }
                try {
                    send(next);
                } catch (RuntimeException bug) {
                    // One bad notice must not end the thread and with it every later notice.
                    REPLIES.error("{}: notice not sent: internal error", next.failure().deliveryId(), bug);
                    counters.get(Outcome.FAILED).increment();
                }
            }
        } catch (InterruptedException stopNow) {
            // Only stop() ends the thread; what is still queued is dropped there.
        }
    }

    private void send(Pending pending) {
        FailureRecord failure = pending.failure();
        String name = failure.deliveryId();
        String to = pending.recipient().getAddress();
        byte[] message;
        try {
            message = NoticeMessage.compose(outbound, pending.recipient(), failure, settings.support());
        } catch (IOException e) {
            notSent(name, Outcome.FAILED, e.getMessage());
            return;
        }
        ByteArrayOutputStream transcript = new ByteArrayOutputStream();
        SmtpSubmission.Result result;
        try (PrintStream lines = new PrintStream(transcript, true, StandardCharsets.UTF_8)) {
            result = SmtpSubmission.send(outbound, "", to, message, lines, settings.sendTimeout(), tls);
        }
        // Each outcome is logged before it is counted: whoever sees the count sees the log lines too.
        if (result.success()) {
            REPLIES.info("{}: notice sent to {} ({})", name, ClientText.escape(to), failure.reason());
            counters.get(Outcome.SENT).increment();
        } else if (result.problem() == SmtpSubmission.Problem.SMTPUTF8_NOT_OFFERED) {
            notSent(name, Outcome.SKIPPED, result.diagnosis());
        } else {
            REPLIES.debug("{}: notice conversation:\n{}", name, transcript.toString(StandardCharsets.UTF_8));
            notSent(name, Outcome.FAILED, "relay " + outbound.host() + ":" + outbound.port() + ": "
                    + result.diagnosis());
        }
    }

    private void notSent(String name, Outcome outcome, String why) {
        REPLIES.info("{}: notice not sent: {}", name, why);
        counters.get(outcome).increment();
    }
}
