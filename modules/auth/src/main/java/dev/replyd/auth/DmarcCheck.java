package dev.replyd.auth;

import dev.replyd.maildir.HeaderSection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * DMARC for one message (RFC 7489 section 6.6): find the From domain's policy record, then decide whether
 * an SPF or DKIM pass is aligned with the From domain.
 *
 * <p>Contract, in order:
 * <ol>
 * <li>Exactly one From field holding exactly one address with a DNS domain, else {@code fail} with the
 *     reason ({@link DmarcResult#noSingleAuthor}): RFC 7489 6.6.1 lets a receiver reject such mail, and
 *     anything milder would let a second author, or an unreadable one, through a {@code reject} policy.
 * <li>Policy discovery (6.6.3): the TXT records at {@code _dmarc.<from domain>} that start with
 *     {@code v=DMARC1}; if there are none, those at {@code _dmarc.<organisational domain>}. One record: it
 *     is used; none, or several at the same name: {@code none}. A DNS failure: {@code temperror}. A
 *     record without a usable policy: {@code permerror}.
 * <li>Alignment (3.1): {@code pass} when a DKIM signature passed with a {@code d=} domain aligned with the
 *     From domain ({@code adkim}), or SPF passed for a domain aligned with it ({@code aspf}); relaxed
 *     means the same {@link OrganizationalDomain}, strict the same name.
 * <li>Otherwise {@code temperror} when SPF or any DKIM signature had a temporary error (a retry could
 *     pass, so a reject now would be premature), else {@code fail}.
 * </ol>
 * The policy reported is {@code sp} when the record came from the organisational domain of a subdomain,
 * else {@code p}.
 *
 * <p>Thread-safety: stateless apart from the shared, thread-safe {@link DnsClient}.
 */
final class DmarcCheck {

    private static final String TEMPERROR = "temperror";
    private static final String PASS = "pass";

    private final DnsClient dns;

    DmarcCheck(DnsClient dns) {
        this.dns = dns;
    }

    /**
     * @param fromFields the message's From fields, raw
     * @param spf        the SPF verdict for the envelope
     * @param dkim       the DKIM verdicts
     */
    DmarcResult check(List<String> fromFields, SpfResult spf, List<DkimResult> dkim) {
        if (fromFields.isEmpty()) {
            return DmarcResult.failed("no From field");
        }
        if (fromFields.size() > 1) {
            return DmarcResult.failed(fromFields.size() + " From fields");
        }
        String from = HeaderSection.unfoldedValue(fromFields.get(0));
        int authors = AuthorDomains.mailboxCount(from);
        if (authors != 1) {
            return DmarcResult.failed(authors == 0 ? "no address in the From field"
                    : "the From field holds " + authors + " addresses");
        }
        Set<String> domains = AuthorDomains.of(from);
        if (domains.size() != 1) {
            return DmarcResult.failed("the From address has no DNS domain");
        }
        String fromDomain = domains.iterator().next();
        String organisational = OrganizationalDomain.of(fromDomain);

        DmarcRecord record;
        boolean fromOrganisationalDomain = false;
        try {
            Optional<List<DmarcRecord>> found = records(fromDomain);
            if (found.isEmpty() && !organisational.equals(fromDomain)) {
                found = records(organisational);
                fromOrganisationalDomain = true;
            }
            if (found.isEmpty() || found.get().size() != 1) {
                return new DmarcResult("none", fromDomain, null);
            }
            record = found.get().get(0);
        } catch (DnsTemporaryFailure e) {
            return new DmarcResult(TEMPERROR, fromDomain, null);
        }
        if (!record.valid()) {
            return new DmarcResult("permerror", fromDomain, null);
        }
        String policy = fromOrganisationalDomain ? record.subdomainPolicy() : record.policy();

        boolean dkimAligned = dkim.stream().anyMatch(signature -> PASS.equals(signature.result())
                && OrganizationalDomain.aligned(signature.domain(), fromDomain, record.strictDkim()));
        boolean spfAligned = PASS.equals(spf.result())
                && OrganizationalDomain.aligned(spf.domain(), fromDomain, record.strictSpf());
        if (dkimAligned || spfAligned) {
            return new DmarcResult(PASS, fromDomain, policy);
        }
        boolean temporary = TEMPERROR.equals(spf.result())
                || dkim.stream().anyMatch(signature -> TEMPERROR.equals(signature.result()));
        return new DmarcResult(temporary ? TEMPERROR : "fail", fromDomain, policy);
    }

    /** The DMARC records at {@code _dmarc.<domain>}; empty when there is none. */
    private Optional<List<DmarcRecord>> records(String domain) throws DnsTemporaryFailure {
        List<DmarcRecord> records = new ArrayList<>(1);
        for (String txt : dns.txt("_dmarc." + domain)) {
            DmarcRecord.parse(txt).ifPresent(records::add);
        }
        return records.isEmpty() ? Optional.empty() : Optional.of(records);
    }
}
