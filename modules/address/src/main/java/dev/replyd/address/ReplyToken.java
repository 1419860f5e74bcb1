package dev.replyd.address;

/**
 * What a reply address identifies: the kind of thread ({@code i} issue, {@code p} pull request, ...), the
 * thread id and the id of the user the notification was sent to.
 *
 * <p>Contract: {@code kind} is one or more lowercase ASCII letters; {@code thread} and {@code user} are
 * {@code >= 0}. Whether the kind is one the tracker configured is the codec's business, not the token's.
 *
 * <p>Failures: the constructor throws {@link IllegalArgumentException} naming the field, the value and what
 * was expected.
 *
 * <p>Thread-safety: immutable.
 */
public record ReplyToken(String kind, long thread, long user) {

    /** Validates the fields; see the class comment. */
    public ReplyToken {
        if (!AddressSyntax.isKind(kind)) {
            throw new IllegalArgumentException(AddressSyntax.describeBadKind("kind", kind));
        }
        if (thread < 0) {
            throw new IllegalArgumentException("thread is " + thread + " (expected: >= 0)");
        }
        if (user < 0) {
            throw new IllegalArgumentException("user is " + user + " (expected: >= 0)");
        }
    }
}
