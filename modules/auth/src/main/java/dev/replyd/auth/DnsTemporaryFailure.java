package dev.replyd.auth;

/**
 * A DNS question that got no usable answer from any configured server: timeout, network error, or an
 * answer with rcode SERVFAIL, REFUSED and the like. Asking again later may succeed, so every check that
 * meets one reports {@code temperror} (RFC 8601 section 2.7), never a verdict.
 *
 * <p>The message names the question, the servers and the last cause; it never carries message content.
 *
 * <p>Thread-safety: immutable.
 */
final class DnsTemporaryFailure extends Exception {

    private static final long serialVersionUID = 1L;

    DnsTemporaryFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
