package dev.replyd.auth;

/**
 * The DMARC verdict for the author domain of one message (RFC 7489).
 *
 * <p>A message without exactly one author (no From field, several From fields, a From field with
 * several addresses, or one whose address has no DNS domain), or whose header section was too large to
 * read whole (so a From field may hide in what was cut), is a {@code fail} with a null
 * {@code fromDomain} and the reason in {@code problem}: RFC 7489 6.6.1 leaves such mail to local policy,
 * and reporting it as anything that a {@code quarantine} or {@code reject} policy lets through would let a
 * second author, or none, bypass DMARC.
 *
 * @param result     {@code pass} (an SPF or DKIM pass whose domain is aligned with the From domain);
 *                   {@code fail} (the From domain publishes DMARC and nothing aligned passed);
 *                   {@code none} (no DMARC record for the From domain or its organisational domain);
 *                   {@code temperror} (the record could not be fetched, or nothing aligned passed while
 *                   an SPF or DKIM check had a temporary error, so a retry might pass);
 *                   {@code permerror} (a record without a valid policy, or a header section too large
 *                   to read)
 * @param fromDomain the RFC5322.From domain, lower case; {@code null} when there is no single one
 * @param policy     the policy the domain owner asks for, {@code none}, {@code quarantine} or
 *                   {@code reject} (tag {@code sp=} for a subdomain covered by its organisational domain's
 *                   record, else {@code p=}); {@code null} when no record was found or read
 * @param problem    why there is no single author domain, in words of our own (printable ASCII, e.g.
 *                   "2 From fields"); {@code null} when there is one
 */
public record DmarcResult(String result, String fromDomain, String policy, String problem) {

    /** A verdict about the single author domain {@code fromDomain}. */
    public DmarcResult(String result, String fromDomain, String policy) {
        this(result, fromDomain, policy, null);
    }

    /** The {@code fail} of a message without exactly one author domain, or whose authors cannot all be seen. */
    static DmarcResult failed(String problem) {
        return new DmarcResult("fail", null, null, problem);
    }
}
