package dev.replyd.address;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 of one message under one key.
 *
 * <p>A {@link Mac} is not thread-safe, and codecs are shared by every SMTP session, so each call gets its own
 * instance; nothing is cached between calls and no ThreadLocal outlives a pooled thread's use.
 *
 * <p>Failures: every Java SE runtime must provide HmacSHA256 and the key is a plain non-empty byte array, so a
 * {@link GeneralSecurityException} here means a broken JDK: it is rethrown as {@link IllegalStateException}.
 *
 * <p>Standards: RFC 2104, FIPS 180-4. Thread-safety: immutable.
 */
final class HmacSha256 {

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    /** @param key at least one byte; copied */
    HmacSha256(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    byte[] of(byte[] message) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot compute " + ALGORITHM + " (required of every Java SE runtime)", e);
        }
    }

    @Override
    public String toString() {
        return "HmacSha256[key hidden]";
    }
}
