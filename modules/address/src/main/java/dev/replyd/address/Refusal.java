package dev.replyd.address;

/**
 * Why {@link ReplyAddressCodec#check(String)} refused an address, from the outside in (the order in which the
 * checks run).
 *
 * <p>Callers map these to SMTP replies and failure reasons: {@link #WRONG_DOMAIN} means the mail is not for
 * replyd at all ("relay denied"); {@link #UNKNOWN_KIND} becomes the {@code unknown_kind} failure reason; every
 * other value is an {@code invalid_token}.
 *
 * <p>Thread-safety: immutable.
 */
public enum Refusal {
    /** Null, empty, overlong, no {@code @}, empty local part or domain, unbalanced angle brackets. */
    NOT_AN_ADDRESS,
    /** The domain is not the configured reply domain (compared case-insensitively). */
    WRONG_DOMAIN,
    /** The local part has no {@code +}, or the text before the first {@code +} is not the configured prefix. */
    WRONG_PREFIX,
    /** The token after the {@code +} is not four non-empty {@code -}-separated parts. */
    MALFORMED_TOKEN,
    /** The kind is not one of the configured kinds. */
    UNKNOWN_KIND,
    /** A thread or user id is not plain decimal: a sign, a non-digit or a leading zero. */
    BAD_ID,
    /** A thread or user id is larger than {@link Long#MAX_VALUE}. */
    ID_OVERFLOW,
    /** The signature is not exactly 40 hex digits. */
    BAD_SIGNATURE_LENGTH,
    /** The signature is well-formed but matches none of the configured keys. */
    BAD_SIGNATURE
}
