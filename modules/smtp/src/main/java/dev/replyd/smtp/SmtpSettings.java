package dev.replyd.smtp;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import dev.replyd.address.HostNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything the SMTP server needs to know, already validated: the daemon maps the {@code replyd.smtp}
 * configuration keys onto it (names in brackets below).
 *
 * <p>Contract: the canonical constructor checks every value and throws one {@link IllegalArgumentException}
 * listing every problem, one line each, {@code <configuration key>: <value> (expected: <what is valid>)};
 * the daemon's configuration loader reports these lines by key, so {@code check-config} and {@code run}
 * apply the same checks. {@link #defaults} gives the documented
 * defaults; the {@code with…} methods return a copy with one group of values changed.
 *
 * @param hostname the appliance's host name [replyd.hostname]: greeting, EHLO reply, Received header
 * @param replyDomain the domain of the signed reply addresses [replyd.reply-domain]
 * @param bind address and port to listen on [replyd.smtp.bind, replyd.smtp.port]; port 0 picks a free one
 * @param maxMessageSize largest message in bytes, advertised as SIZE [replyd.smtp.max-message-size]
 * @param maxRecipients most recipients per transaction; more get 452 4.5.3 [replyd.smtp.max-recipients]
 * @param tlsCert PEM certificate chain, or null; STARTTLS is offered when both tls files are set [replyd.smtp.tls.cert]
 * @param tlsKey PEM private key (PKCS#8, "BEGIN PRIVATE KEY"), or null [replyd.smtp.tls.key]
 * @param noreplyAddress the notifications' noreply address [replyd.noreply.address]
 * @param noreplyDiscard true: mail to it is accepted and dropped; false: refused with 550 [replyd.noreply.discard]
 * @param minFreeBytes below this much free space MAIL FROM gets 452 4.3.1 [replyd.storage.min-free]
 * @param maxConnections open sessions in total; more get 421 4.7.0; 0 = unlimited [replyd.smtp.max-connections]
 * @param maxConnectionsPerIp open sessions per client IP; 0 = unlimited [replyd.smtp.max-connections-per-ip]
 * @param idleTimeout longest wait for the next line from the client (RFC 5321 4.5.3.2.7: at least 5 minutes) [replyd.smtp.idle-timeout]
 * @param sessionTimeout longest whole session, however busy (slow-drip defence) [replyd.smtp.session-timeout]
 * @param maxErrors replies of class 4 or 5 after which the session gets 421 4.7.0 and is closed [replyd.smtp.max-errors]
 * @param ioThreads Netty I/O threads; hooks (and the fsync) run on them; 0 = 4 per core [replyd.smtp.io-threads]
 * @param support where people get help, a {@code mailto:} or {@code https:} URI of printable ASCII, appended to the
 *     550 5.1.1 refusals a sender may read in a bounce; null for none [replyd.support]
 */
public record SmtpSettings(
        String hostname,
        String replyDomain,
        InetSocketAddress bind,
        long maxMessageSize,
        int maxRecipients,
        Path tlsCert,
        Path tlsKey,
        String noreplyAddress,
        boolean noreplyDiscard,
        long minFreeBytes,
        int maxConnections,
        int maxConnectionsPerIp,
        Duration idleTimeout,
        Duration sessionTimeout,
        int maxErrors,
        int ioThreads,
        String support) {

    /** Without a support contact. */
    public SmtpSettings(String hostname, String replyDomain, InetSocketAddress bind, long maxMessageSize,
            int maxRecipients, Path tlsCert, Path tlsKey, String noreplyAddress, boolean noreplyDiscard,
            long minFreeBytes, int maxConnections, int maxConnectionsPerIp, Duration idleTimeout,
            Duration sessionTimeout, int maxErrors, int ioThreads) {
        this(hostname, replyDomain, bind, maxMessageSize, maxRecipients, tlsCert, tlsKey, noreplyAddress,
                noreplyDiscard, minFreeBytes, maxConnections, maxConnectionsPerIp, idleTimeout, sessionTimeout,
                maxErrors, ioThreads, null);
    }

    // The defaults are those of reference.conf (the daemon's tests check that they agree).
    /** 25 MiB, as in ARCHITECTURE.md contract 4. */
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 25L * 1024 * 1024;
    public static final int DEFAULT_MAX_RECIPIENTS = 50;
    /** 512 MiB (issue 3, {@code storage.min-free}). */
    public static final long DEFAULT_MIN_FREE_BYTES = 512L * 1024 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 200;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 20;
    /** RFC 5321 4.5.3.2.7: a server SHOULD wait at least 5 minutes for the next command. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Long enough for a maximum-size message on a slow link, short enough to end slow-drip sessions. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_ERRORS = 10;
    /** 0: {@value #IO_THREADS_PER_CORE} per core (the fsyncs before each 250 run on these threads). */
    public static final int DEFAULT_IO_THREADS = 0;
    static final int IO_THREADS_PER_CORE = 4;

    /** SIZE is an int inside James Protocols 3.8.1 (MailSizeEsmtpExtension counts in an int). */
    static final long MAX_SUPPORTED_MESSAGE_SIZE = Integer.MAX_VALUE;

    public SmtpSettings {
        List<String> problems = new ArrayList<>();
        hostname = hostName(problems, "replyd.hostname", hostname);
        replyDomain = hostName(problems, "replyd.reply-domain", replyDomain);
        if (bind == null) {
            problems.add("replyd.smtp.bind: null (expected: an address and port to listen on)");
        }
        if (maxMessageSize < 1 || maxMessageSize > MAX_SUPPORTED_MESSAGE_SIZE) {
            problems.add("replyd.smtp.max-message-size: " + maxMessageSize
                    + " (expected: 1 to " + MAX_SUPPORTED_MESSAGE_SIZE + " bytes)");
        }
        positive(problems, "replyd.smtp.max-recipients", maxRecipients);
        if ((tlsCert == null) != (tlsKey == null)) {
            problems.add("replyd.smtp.tls: cert = " + tlsCert + ", key = " + tlsKey
                    + " (expected: both PEM files set to offer STARTTLS, or both null)");
        }
        noreplyAddress = noreplyAddress == null ? null : noreplyAddress.trim().toLowerCase(Locale.ROOT);
        if (noreplyAddress == null || noreplyAddress.indexOf('@') < 1
                || noreplyAddress.indexOf('@') != noreplyAddress.lastIndexOf('@')
                || noreplyAddress.indexOf('@') == noreplyAddress.length() - 1
                || noreplyAddress.chars().anyMatch(Character::isWhitespace)) {
            problems.add("replyd.noreply.address: " + (noreplyAddress == null ? "null" : "\"" + noreplyAddress + "\"")
                    + " (expected: local@domain, e.g. noreply@" + hostname + ")");
        }
        if (minFreeBytes < 0) {
            problems.add("replyd.storage.min-free: " + minFreeBytes + " (expected: >= 0 bytes)");
        }
        notNegative(problems, "replyd.smtp.max-connections", maxConnections);
        notNegative(problems, "replyd.smtp.max-connections-per-ip", maxConnectionsPerIp);
        atLeastOneSecond(problems, "replyd.smtp.idle-timeout", idleTimeout);
        atLeastOneSecond(problems, "replyd.smtp.session-timeout", sessionTimeout);
        positive(problems, "replyd.smtp.max-errors", maxErrors);
        if (ioThreads < 0) {
            problems.add("replyd.smtp.io-threads: " + ioThreads + " (expected: >= 0, 0 = " + IO_THREADS_PER_CORE
                    + " per core)");
        }
        if (support != null && !support.matches("(mailto:|https://)[!-~]{1,200}")) {
            problems.add("replyd.support: not a mailto: or https:// URI of printable ASCII"
                    + " (expected: e.g. mailto:support@example.com)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        if (ioThreads == 0) {
            ioThreads = IO_THREADS_PER_CORE * Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * The documented defaults: listen on 0.0.0.0:25, noreply@{@code hostname} discarded, no TLS.
     */
    public static SmtpSettings defaults(String hostname, String replyDomain) {
        return new SmtpSettings(hostname, replyDomain, new InetSocketAddress("0.0.0.0", 25),
                DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_RECIPIENTS, null, null,
                "noreply@" + hostname, true, DEFAULT_MIN_FREE_BYTES,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_IP,
                DEFAULT_IDLE_TIMEOUT, DEFAULT_SESSION_TIMEOUT, DEFAULT_MAX_ERRORS, DEFAULT_IO_THREADS);
    }

    public SmtpSettings withBind(InetSocketAddress newBind) {
        return with(d -> d.bind = newBind);
    }

    public SmtpSettings withLimits(long newMaxMessageSize, int newMaxRecipients) {
        return with(d -> {
            d.maxMessageSize = newMaxMessageSize;
            d.maxRecipients = newMaxRecipients;
        });
    }

    public SmtpSettings withTls(Path cert, Path key) {
        return with(d -> {
            d.tlsCert = cert;
            d.tlsKey = key;
        });
    }

    public SmtpSettings withNoreply(String address, boolean discard) {
        return with(d -> {
            d.noreplyAddress = address;
            d.noreplyDiscard = discard;
        });
    }

    public SmtpSettings withMinFreeBytes(long bytes) {
        return with(d -> d.minFreeBytes = bytes);
    }

    public SmtpSettings withConnectionLimits(int total, int perIp) {
        return with(d -> {
            d.maxConnections = total;
            d.maxConnectionsPerIp = perIp;
        });
    }

    public SmtpSettings withTimeouts(Duration idle, Duration session) {
        return with(d -> {
            d.idleTimeout = idle;
            d.sessionTimeout = session;
        });
    }

    public SmtpSettings withMaxErrors(int errors) {
        return with(d -> d.maxErrors = errors);
    }

    public SmtpSettings withSupport(String contact) {
        return with(d -> d.support = contact);
    }

    /** A copy with some values changed, validated by the canonical constructor like any other. */
    private SmtpSettings with(java.util.function.Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return new SmtpSettings(d.hostname, d.replyDomain, d.bind, d.maxMessageSize, d.maxRecipients, d.tlsCert,
                d.tlsKey, d.noreplyAddress, d.noreplyDiscard, d.minFreeBytes, d.maxConnections, d.maxConnectionsPerIp,
                d.idleTimeout, d.sessionTimeout, d.maxErrors, d.ioThreads, d.support);
    }

    /** The values of one settings object while a copy is being changed. Confined to one call. */
    private static final class Draft {
        String hostname;
        String replyDomain;
        InetSocketAddress bind;
        long maxMessageSize;
        int maxRecipients;
        Path tlsCert;
        Path tlsKey;
        String noreplyAddress;
        boolean noreplyDiscard;
        long minFreeBytes;
        int maxConnections;
        int maxConnectionsPerIp;
        Duration idleTimeout;
        Duration sessionTimeout;
        int maxErrors;
        int ioThreads;
        String support;

        Draft(SmtpSettings s) {
            support = s.support;
            hostname = s.hostname;
            replyDomain = s.replyDomain;
            bind = s.bind;
            maxMessageSize = s.maxMessageSize;
            maxRecipients = s.maxRecipients;
            tlsCert = s.tlsCert;
            tlsKey = s.tlsKey;
            noreplyAddress = s.noreplyAddress;
            noreplyDiscard = s.noreplyDiscard;
            minFreeBytes = s.minFreeBytes;
            maxConnections = s.maxConnections;
            maxConnectionsPerIp = s.maxConnectionsPerIp;
            idleTimeout = s.idleTimeout;
            sessionTimeout = s.sessionTimeout;
            maxErrors = s.maxErrors;
            ioThreads = s.ioThreads;
        }
    }

    /** True when both PEM files are set: STARTTLS is offered. */
    public boolean tlsEnabled() {
        return tlsCert != null;
    }

    private static String hostName(List<String> problems, String key, String value) {
        String trimmed = value == null ? null : value.trim();
        if (!HostNames.isHostName(trimmed)) {
            problems.add(key + ": \"" + value + "\" (expected: " + HostNames.EXPECTED + ")");
            return value;
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }

    private static void positive(List<String> problems, String key, int value) {
        if (value < 1) {
            problems.add(key + ": " + value + " (expected: >= 1)");
        }
    }

    private static void notNegative(List<String> problems, String key, int value) {
        if (value < 0) {
            problems.add(key + ": " + value + " (expected: >= 0, 0 = unlimited)");
        }
    }

    private static void atLeastOneSecond(List<String> problems, String key, Duration value) {
        if (value == null || value.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(key + ": " + value + " (expected: at least 1s)");
        }
    }
}
