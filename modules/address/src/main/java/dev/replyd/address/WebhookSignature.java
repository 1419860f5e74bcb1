package dev.replyd.address;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Replyd-Signature} header of the callback to the main app (contract 3 of ARCHITECTURE.md):
 * {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>}.
 *
 * <p>Contract: {@link #header} writes one {@code t} and one {@code v1} (64 lowercase hex digits). {@link #verify}
 * accepts items separated by {@code ,} with optional spaces around them, exactly one {@code t} (plain decimal),
 * one or more {@code v1} (64 hex digits, either case: a sender rotating secrets signs with each), and ignores
 * items with other names (room for a future {@code v2}). The timestamp bounds replays: the header is accepted
 * only within {@code toleranceSeconds} of {@code nowSeconds}, either way.
 *
 * <p>Failures: {@link #header} throws {@link IllegalArgumentException} for a missing or empty secret, a
 * negative time or a missing body. {@link #verify} never throws: anything malformed is simply {@code false}.
 *
 * <p>Security: signatures are compared with {@link MessageDigest#isEqual} over the decoded bytes; every
 * {@code v1} is compared, matched or not. The secret never appears in a message.
 *
 * <p>Thread-safety: stateless.
 */
public final class WebhookSignature {

    /** Longest header {@link #verify} parses; a handful of {@code v1} items fit many times over. */
    static final int MAX_HEADER_LENGTH = 4096;

    private static final int SIGNATURE_HEX_DIGITS = 64;

    private WebhookSignature() {
    }

    /**
     * The header value for a body sent at {@code unixSeconds}.
     *
     * @param secret the shared callback secret, at least one byte
     * @param unixSeconds the send time, {@code >= 0}
     * @param body the exact bytes sent as the request body
     * @throws IllegalArgumentException if the secret is missing or empty, the time negative or the body missing
     */
    public static String header(byte[] secret, long unixSeconds, byte[] body) {
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException("webhook secret is " + (secret == null ? "missing" : "empty")
                    + " (expected: at least 1 byte; set replyd.callback.secret)");
        }
        if (unixSeconds < 0) {
            throw new IllegalArgumentException("webhook time is " + unixSeconds + " (expected: unix seconds >= 0)");
        }
        if (body == null) {
            throw new IllegalArgumentException("webhook body is missing (expected: the request body bytes, possibly empty)");
        }
        return "t=" + unixSeconds + ",v1=" + Hex.encode(sign(secret, unixSeconds, body), 32);
    }

    /**
     * The header value signed with each of {@code secrets}: one {@code t} and one {@code v1} per secret, in order,
     * so a receiver holding any one of them accepts it (secret rotation).
     *
     * @throws IllegalArgumentException as {@link #header(byte[], long, byte[])}, or for no secrets
     */
    public static String headerSignedWithEach(List<byte[]> secrets, long unixSeconds, byte[] body) {
        if (secrets == null || secrets.isEmpty()) {
            throw new IllegalArgumentException("webhook secrets are missing (expected: at least one; set replyd.callback.secret)");
        }
        StringBuilder header = new StringBuilder(header(secrets.get(0), unixSeconds, body));
        for (byte[] secret : secrets.subList(1, secrets.size())) {
            String one = header(secret, unixSeconds, body);
            header.append(one, one.indexOf(','), one.length());
        }
        return header.toString();
    }

    /**
     * True iff some {@code v1} in the header matches the body under {@code secret} and
     * {@code |nowSeconds - t| <= toleranceSeconds}. False for a malformed header, a null argument, an empty
     * secret or a negative tolerance; never throws.
     */
    public static boolean verify(byte[] secret, String header, byte[] body, long nowSeconds, long toleranceSeconds) {
        if (secret == null || secret.length == 0 || header == null || body == null || toleranceSeconds < 0
                || header.length() > MAX_HEADER_LENGTH) {
            return false;
        }
        ParsedHeader parsed = ParsedHeader.parse(header);
        if (parsed == null || !withinTolerance(parsed.time, nowSeconds, toleranceSeconds)) {
            return false;
        }
        byte[] expected = sign(secret, parsed.time, body);
        boolean matched = false;
        for (byte[] given : parsed.signatures) {
            matched |= MessageDigest.isEqual(expected, given);
        }
        return matched;
    }

    /** {@code |now - time| <= tolerance} without overflow: {@code time} and {@code tolerance} are {@code >= 0}. */
    private static boolean withinTolerance(long time, long now, long tolerance) {
        return now >= time ? now - time <= tolerance : time - tolerance <= now;
    }

    private static byte[] sign(byte[] secret, long unixSeconds, byte[] body) {
        byte[] prefix = (unixSeconds + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, message, 0, prefix.length);
        System.arraycopy(body, 0, message, prefix.length, body.length);
        return new HmacSha256(secret).of(message);
    }

    /** The {@code t} and {@code v1} items of a header; null when malformed. */
    private static final class ParsedHeader {
        final long time;
        final List<byte[]> signatures;

        private ParsedHeader(long time, List<byte[]> signatures) {
            this.time = time;
            this.signatures = signatures;
        }

        static ParsedHeader parse(String header) {
            long time = -1;
            List<byte[]> signatures = new ArrayList<>();
            for (String item : header.split(",", -1)) {
                String trimmed = item.strip();
                int eq = trimmed.indexOf('=');
                if (eq <= 0) {
                    return null;
                }
                String name = trimmed.substring(0, eq);
                String value = trimmed.substring(eq + 1);
                if (name.equals("t")) {
                    long parsed = AddressSyntax.parseId(value);
                    if (time >= 0 || parsed < 0) {
                        return null;
                    }
                    time = parsed;
                } else if (name.equals("v1")) {
                    byte[] signature = value.length() == SIGNATURE_HEX_DIGITS ? Hex.decode(value) : null;
                    if (signature == null) {
                        return null;
                    }
                    signatures.add(signature);
                }
            }
            return time < 0 || signatures.isEmpty() ? null : new ParsedHeader(time, signatures);
        }
    }
}
