package dev.replyd.auth;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What replyd concluded about who sent one message: SPF for the envelope, every DKIM signature, and DMARC
 * for the author (From) domain. It is what the callback payload carries as {@code auth} and what
 * {@link #authenticationResultsHeader} writes into the stored message.
 *
 * @param spf   the SPF verdict
 * @param dkim  one entry per DKIM-Signature field, passes first; empty when the message has none
 *              (which the header writes as {@code dkim=none})
 * @param dmarc the DMARC verdict
 */
public record AuthResults(SpfResult spf, List<DkimResult> dkim, DmarcResult dmarc) {

    /** A domain, selector or host name that needs no quoting as an RFC 8601 property value. */
    private static final Pattern PLAIN_VALUE = Pattern.compile("[A-Za-z0-9_.-]+");
    /** Characters never written, even quoted: controls, so no value can end the field or start another. */
    private static final Pattern CONTROLS = Pattern.compile("[\\x00-\\x1f\\x7f]");

    public AuthResults {
        dkim = List.copyOf(dkim);
    }

    /**
     * The {@code Authentication-Results} field recording these verdicts (RFC 8601), for example:
     * <pre>
     * Authentication-Results: reply.example.org;
     * 	spf=pass smtp.mailfrom=example.com;
     * 	dkim=pass header.d=example.com header.s=sel1;
     * 	dmarc=pass (p=reject) header.from=example.com
     * </pre>
     * The result is the whole field, folded with CRLF and a tab, without a final CRLF. Values that come
     * from the sender (domains, selector, HELO) are written as they are when they are plain DNS-name
     * characters and as quoted strings otherwise, with control characters dropped, so a hostile value
     * cannot forge another result or field.
     *
     * @param authservId the name of this host as the receiving authority (RFC 8601 2.5): the one that
     *                   {@link ForeignAuthResults#claimsOurHost} is then given, so that a forged field
     *                   claiming it can be recognised
     * @throws IllegalArgumentException when {@code authservId} is not a host name
     */
    public String authenticationResultsHeader(String authservId) {
        if (authservId == null || !PLAIN_VALUE.matcher(authservId).matches()) {
            throw new IllegalArgumentException("authserv-id " + (authservId == null ? "null" : "'"
                    + CONTROLS.matcher(authservId).replaceAll("?") + "'")
                    + " (expected: this host's name, letters, digits, '-', '.' and '_' only)");
        }
        StringBuilder field = new StringBuilder(256).append("Authentication-Results: ").append(authservId);
        field.append(";\r\n\tspf=").append(spf.result());
        if (!spf.domain().isEmpty()) {
            field.append(" smtp.").append(spf.identity()).append('=').append(value(spf.domain()));
        }
        if (dkim.isEmpty()) {
            field.append(";\r\n\tdkim=none");
        }
        for (DkimResult signature : dkim) {
            field.append(";\r\n\tdkim=").append(signature.result());
            if (signature.domain() != null) {
                field.append(" header.d=").append(value(signature.domain()));
            }
            if (signature.selector() != null) {
                field.append(" header.s=").append(value(signature.selector()));
            }
        }
        field.append(";\r\n\tdmarc=").append(dmarc.result());
        if (dmarc.policy() != null) {
            field.append(" (p=").append(dmarc.policy()).append(')');
        }
        if (dmarc.problem() != null) {
            field.append(" (").append(CONTROLS.matcher(dmarc.problem()).replaceAll("").replace("(", "")
                    .replace(")", "").replace("\\", "")).append(')');
        }
        if (dmarc.fromDomain() != null) {
            field.append(" header.from=").append(value(dmarc.fromDomain()));
        }
        return field.toString();
    }

    /** An RFC 8601 pvalue: as is when plain, else an RFC 5322 quoted-string. */
    private static String value(String text) {
        if (PLAIN_VALUE.matcher(text).matches()) {
            return text;
        }
        String printable = CONTROLS.matcher(text).replaceAll("");
        return '"' + printable.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
