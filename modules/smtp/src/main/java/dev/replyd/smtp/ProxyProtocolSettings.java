package dev.replyd.smtp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether the SMTP listener expects HAProxy's PROXY protocol header (v1 text or v2 binary) and from
 * whom: the daemon maps the {@code replyd.smtp.proxy-protocol} keys onto it (names in brackets).
 *
 * <p>Contract: the canonical constructor checks every value and throws {@link IllegalArgumentException}
 * naming the key, the value and what was expected. When enabled, a connection from a {@code trusted}
 * address must start with a PROXY header within {@code headerTimeout}; a connection from any other
 * address is plain SMTP and is closed if it sends a PROXY header ({@code ProxyProtocolHandler},
 * {@code ProxyHeaderGuard}). {@link #off()} is the default: no PROXY handling at all.
 *
 * <p>Thread-safety: immutable.
 *
 * @param enabled true: PROXY headers are read from trusted sources [replyd.smtp.proxy-protocol.enabled]
 * @param trusted the load balancers' addresses as CIDRs; required non-empty when enabled
 *     [replyd.smtp.proxy-protocol.trusted]
 * @param headerTimeout longest wait for the header from a trusted source [replyd.smtp.proxy-protocol.header-timeout]
 */
public record ProxyProtocolSettings(boolean enabled, List<String> trusted, Duration headerTimeout) {

    /** HAProxy sends the header at once; a few seconds covers a loaded balancer without holding sockets long. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(5);

    public ProxyProtocolSettings {
        trusted = List.copyOf(Objects.requireNonNull(trusted, "replyd.smtp.proxy-protocol.trusted: null (expected: a list of CIDRs)"));
        for (String cidr : trusted) {
            try {
                Cidr.parse(cidr);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("replyd.smtp.proxy-protocol.trusted: " + e.getMessage());
            }
        }
        if (enabled && trusted.isEmpty()) {
            throw new IllegalArgumentException("replyd.smtp.proxy-protocol.trusted: empty while enabled = true"
                    + " (expected: the load balancers' addresses, e.g. [\"10.0.0.0/24\"]; a PROXY header is"
                    + " believed only from them)");
        }
        if (headerTimeout == null || headerTimeout.isNegative() || headerTimeout.isZero()
                || headerTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("replyd.smtp.proxy-protocol.header-timeout: " + headerTimeout
                    + " (expected: more than 0 and at most 1m)");
        }
    }

    /** The default: no PROXY protocol. */
    public static ProxyProtocolSettings off() {
        return new ProxyProtocolSettings(false, List.of(), DEFAULT_HEADER_TIMEOUT);
    }

    /** PROXY headers expected from {@code trusted}, with the default header timeout. */
    public static ProxyProtocolSettings trusting(List<String> trusted) {
        return new ProxyProtocolSettings(true, trusted, DEFAULT_HEADER_TIMEOUT);
    }

    /** The trusted networks, parsed (each was checked by the constructor). */
    List<Cidr> networks() {
        List<Cidr> out = new ArrayList<>(trusted.size());
        for (String cidr : trusted) {
            out.add(Cidr.parse(cidr));
        }
        return out;
    }
}
