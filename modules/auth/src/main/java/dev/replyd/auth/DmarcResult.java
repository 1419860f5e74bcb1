package dev.replyd.auth;

/**
 * The DMARC verdict for the author domain of one message (RFC 7489).
 *
 * @param result     {@code pass} (an SPF or DKIM pass whose domain is aligned with the From domain);
 *                   {@code fail} (the From domain publishes DMARC and nothing aligned passed);
 *                   {@code none} (no DMARC record for the From domain or its organisational domain);
 *                   {@code temperror} (the record could not be fetched, or nothing aligned passed while
 *                   an SPF or DKIM check had a temporary error, so a retry might pass);
 *                   {@code permerror} (no single From domain to check: From missing, repeated, holding
 *                   several domains or unreadable; or a record without a valid policy)
 * @param fromDomain the RFC5322.From domain, lower case; {@code null} when there is no single one
 * @param policy     the policy the domain owner asks for, {@code none}, {@code quarantine} or
 *                   {@code reject} (tag {@code sp=} for a subdomain covered by its organisational domain's
 *                   record, else {@code p=}); {@code null} when no record was found or read
 */
public record DmarcResult(String result, String fromDomain, String policy) {
}
