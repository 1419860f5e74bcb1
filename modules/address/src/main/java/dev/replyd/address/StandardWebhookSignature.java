package dev.replyd.address;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The signature headers of the Standard Webhooks specification (standardwebhooks.com, "Verifying webhooks",
 * and its reference libraries), for the callback to the main app when {@code callback.signature =
 * standard-webhooks}.
 *
 * <p>Contract, as the specification says:
 * <ul>
 * <li>the signed content is {@code <webhook-id>.<webhook-timestamp>.<raw body>}, the timestamp in unix
 * seconds;</li>
 * <li>{@code webhook-signature} is a space-separated list of {@code v1,<base64 HMAC-SHA256(key, content)>}
 * (standard base64 with padding), one per key while secrets are rotated; a verifier accepts the request if any
 * {@code v1} matches and ignores other versions;</li>
 * <li>the key of a secret written {@code whsec_<base64>} is the base64-decoded bytes after the prefix (that is
 * the form the reference libraries take). replyd's own configured secrets are text: {@link #key} decodes a
 * {@code whsec_} secret so, and uses the UTF-8 bytes of any other secret, whose equivalent for a Standard
 * Webhooks library is {@code whsec_} + base64 of those bytes ({@link #asWhsec}).</li>
 * </ul>
 *
 * <p>Failures: {@link #key} throws {@link IllegalArgumentException} for a {@code whsec_} secret that is not
 * base64 or decodes to nothing (the message never quotes the secret); {@link #header} for a missing argument or
 * a negative time. {@link #verify} never throws: anything malformed is {@code false}.
 *
 * <p>Security: signatures are compared with {@link MessageDigest#isEqual}; every key and signature is tried.
 *
 * <p>Thread-safety: stateless.
 */
public final class StandardWebhookSignature {

    /** The prefix of secrets in the specification's text form. */
    public static final String SECRET_PREFIX = "whsec_";

    /** Longest {@code webhook-signature} header {@link #verify} parses. */
    static final int MAX_HEADER_LENGTH = 4096;

    private static final String VERSION = "v1";

    private StandardWebhookSignature() {
    }

    /**
     * The HMAC key of a configured secret: base64-decoded after {@code whsec_}, else its UTF-8 bytes.
     *
     * @throws IllegalArgumentException if the secret is missing or empty, or a {@code whsec_} secret is not base64
     */
    public static byte[] key(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("webhook secret is " + (secret == null ? "missing" : "empty")
                    + " (expected: a secret, e.g. whsec_ followed by base64)");
        }
        if (!secret.startsWith(SECRET_PREFIX)) {
            return secret.getBytes(StandardCharsets.UTF_8);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("webhook secret starts with " + SECRET_PREFIX
                    + " but the rest is not base64 (expected: " + SECRET_PREFIX
                    + "<base64 of the key bytes>, e.g. from: printf 'whsec_%s' \"$(openssl rand -base64 32)\")");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("webhook secret " + SECRET_PREFIX
                    + " has no key after the prefix (expected: " + SECRET_PREFIX + "<base64 of the key bytes>)");
        }
        return key;
    }

    /** The {@code whsec_} form of a key, for a Standard Webhooks library on the main app's side. */
    public static String asWhsec(byte[] key) {
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /**
     * The {@code webhook-signature} value: {@code v1,<base64>} per key, separated by single spaces.
     *
     * @param keys one or more HMAC keys (see {@link #key}), each at least one byte
     * @param id the {@code webhook-id} sent with it
     * @param unixSeconds the {@code webhook-timestamp} sent with it, {@code >= 0}
     * @param body the exact request body
     * @throws IllegalArgumentException if an argument is missing or empty, or the time negative
     */
    public static String header(List<byte[]> keys, String id, long unixSeconds, byte[] body) {
        if (keys == null || keys.isEmpty()) {
            throw new IllegalArgumentException("webhook keys are missing (expected: at least one; set replyd.callback.secret)");
        }
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("webhook id is " + (id == null ? "missing" : "empty")
                    + " (expected: the delivery id)");
        }
        if (unixSeconds < 0) {
            throw new IllegalArgumentException("webhook time is " + unixSeconds + " (expected: unix seconds >= 0)");
        }
        if (body == null) {
            throw new IllegalArgumentException("webhook body is missing (expected: the request body bytes, possibly empty)");
        }
        byte[] content = signedContent(id, unixSeconds, body);
        StringBuilder header = new StringBuilder();
        for (byte[] key : keys) {
            if (key == null || key.length == 0) {
                throw new IllegalArgumentException("webhook key is " + (key == null ? "missing" : "empty")
                        + " (expected: at least 1 byte)");
            }
            if (header.length() > 0) {
                header.append(' ');
            }
            header.append(VERSION).append(',')
                    .append(Base64.getEncoder().encodeToString(new HmacSha256(key).of(content)));
        }
        return header.toString();
    }

    /**
     * True iff some {@code v1} signature in {@code signatureHeader} matches the body under {@code key}, and the
     * timestamp is plain decimal within {@code toleranceSeconds} of {@code nowSeconds}. Never throws.
     */
    public static boolean verify(byte[] key, String id, String timestamp, String signatureHeader, byte[] body,
            long nowSeconds, long toleranceSeconds) {
        if (key == null || key.length == 0 || id == null || id.isEmpty() || timestamp == null
                || signatureHeader == null || body == null || toleranceSeconds < 0
                || signatureHeader.length() > MAX_HEADER_LENGTH) {
            return false;
        }
        long time = AddressSyntax.parseId(timestamp);
        if (time < 0 || Math.abs((double) nowSeconds - time) > toleranceSeconds) {
            return false;
        }
        byte[] expected = new HmacSha256(key).of(signedContent(id, time, body));
        List<byte[]> given = new ArrayList<>();
        for (String item : signatureHeader.split(" ")) {
            int comma = item.indexOf(',');
            if (comma > 0 && item.substring(0, comma).equals(VERSION)) {
                try {
                    given.add(Base64.getDecoder().decode(item.substring(comma + 1)));
                } catch (IllegalArgumentException notBase64) {
                    // one unreadable signature does not spoil the others
                }
            }
        }
        boolean matched = false;
        for (byte[] signature : given) {
            matched |= MessageDigest.isEqual(expected, signature);
        }
        return matched;
    }

    private static byte[] signedContent(String id, long unixSeconds, byte[] body) {
        byte[] prefix = (id + "." + unixSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, content, 0, prefix.length);
        System.arraycopy(body, 0, content, prefix.length, body.length);
        return content;
    }
}
