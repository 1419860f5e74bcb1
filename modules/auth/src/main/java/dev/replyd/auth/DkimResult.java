package dev.replyd.auth;

/**
 * The verdict on one DKIM-Signature field of a message (RFC 6376, results as in RFC 8601 2.7.1).
 *
 * @param result   {@code pass}; {@code fail} (signature or body hash does not verify, no usable key,
 *                 RSA key under 1024 bits, expired, ...); {@code policy} (verifies, but with SHA-1,
 *                 which RFC 8301 forbids relying on); {@code temperror} (the key could not be fetched now: DNS failure);
 *                 {@code permerror} (the signature field cannot be read at all)
 * @param domain   the signing domain, tag {@code d=}; {@code null} for {@code permerror}
 * @param selector the key selector, tag {@code s=}; {@code null} for {@code permerror}
 */
public record DkimResult(String result, String domain, String selector) {
}
