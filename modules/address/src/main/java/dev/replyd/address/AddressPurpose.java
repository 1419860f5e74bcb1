package dev.replyd.address;

import java.nio.charset.StandardCharsets;

/**
 * What a signed address in the reply domain asks replyd to do: post a reply, or unsubscribe the user from
 * the thread (the {@code mailto:} of a notification's {@code List-Unsubscribe}, RFC 2369 and RFC 8058).
 *
 * <p>Contract: each purpose signs its own text, so a signature made for one purpose never verifies for the
 * other (domain separation): {@link #REPLY} signs {@code v1:<kind>:<thread>:<user>} and {@link #UNSUBSCRIBE}
 * signs {@code v1-unsub:<kind>:<thread>:<user>}. The two texts differ at their fourth character whatever the
 * token, so no token of one purpose is a token of the other. An unsubscribe address always uses the local-part
 * prefix {@value #UNSUBSCRIBE_PREFIX}; a reply address uses the configured prefix, which therefore may not be
 * {@value #UNSUBSCRIBE_PREFIX}.
 *
 * <p>Thread-safety: immutable.
 */
public enum AddressPurpose {
    /** {@code <prefix>+<kind>-<thread>-<sig>-<user>@<reply-domain>}: the person's text goes to the thread. */
    REPLY("v1:", "reply"),
    /** {@code unsub+<kind>-<thread>-<sig>-<user>@<reply-domain>}: the user leaves the thread; the body is ignored. */
    UNSUBSCRIBE("v1-unsub:", "unsubscribe");

    /** The fixed local-part prefix of unsubscribe addresses. */
    public static final String UNSUBSCRIBE_PREFIX = "unsub";

    private final String signedTextPrefix;
    private final String wireName;

    AddressPurpose(String signedTextPrefix, String wireName) {
        this.signedTextPrefix = signedTextPrefix;
        this.wireName = wireName;
    }

    /** The callback payload's {@code type}: {@code reply} or {@code unsubscribe}. */
    public String wireName() {
        return wireName;
    }

    /** The text the HMAC covers; every character is ASCII. */
    byte[] signedText(ReplyToken token) {
        return (signedTextPrefix + token.kind() + ':' + token.thread() + ':' + token.user())
                .getBytes(StandardCharsets.US_ASCII);
    }
}
