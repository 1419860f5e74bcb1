package dev.replyd.diagnostics;

/**
 * The verdict of one diagnose {@link Check}.
 *
 * <p>{@link #PASS}: works as configured. {@link #WARN}: works now, but something will bite (a certificate
 * close to expiry, a skewed clock, a missing record senders can work around). {@link #FAIL}: replies do not
 * arrive or are not posted until the fix is applied; {@code replyd diagnose} exits non-zero.
 *
 * <p>Thread-safety: immutable.
 */
public enum Status {
    PASS, WARN, FAIL
}
