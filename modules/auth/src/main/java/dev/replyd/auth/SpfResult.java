package dev.replyd.auth;

/**
 * The SPF verdict for the envelope sender of one message (RFC 7208).
 *
 * @param result   {@code pass}, {@code fail}, {@code softfail}, {@code neutral}, {@code none},
 *                 {@code temperror} or {@code permerror} (RFC 7208 section 2.6)
 * @param identity which identity was checked: {@code mailfrom} (the MAIL FROM domain), or {@code helo}
 *                 for the null sender {@code <>}, whose SPF identity is {@code postmaster@<helo>}
 *                 (RFC 7208 2.4)
 * @param domain   the domain checked, lower case: the MAIL FROM domain or the HELO name as given; empty
 *                 when there was none. DMARC aligns this domain with the From domain (RFC 7489 3.1.2)
 */
public record SpfResult(String result, String identity, String domain) {
}
