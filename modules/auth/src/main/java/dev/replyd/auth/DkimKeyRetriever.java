package dev.replyd.auth;

import java.util.List;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;

/**
 * jDKIM's key lookup, answered by our one {@link DnsClient}: the TXT records at
 * {@code <selector>._domainkey.<domain>}.
 *
 * <p>Contract: returns every TXT record there (jDKIM picks the first valid key record); an empty list
 * when there is none, which jDKIM reports as a failed signature ("no key for signature"). Only the
 * {@code dns/txt} query method exists (RFC 6376 3.5, tag {@code q=}); any other is a permanent failure.
 * A temporary DNS failure is jDKIM's {@link TempFailException}, reported as {@code temperror}.
 *
 * <p>Standards: RFC 6376 section 3.6.2.
 *
 * <p>Thread-safety: stateless apart from the shared, thread-safe {@link DnsClient}.
 */
final class DkimKeyRetriever implements PublicKeyRecordRetriever {

    private static final String DNS_TXT = "dns/txt";

    private final DnsClient dns;

    DkimKeyRetriever(DnsClient dns) {
        this.dns = dns;
    }

    @Override
    public List<String> getRecords(CharSequence methodAndOptions, CharSequence selector, CharSequence token)
            throws TempFailException, PermFailException {
        if (!DNS_TXT.contentEquals(methodAndOptions)) {
            throw new PermFailException("DKIM key query method " + methodAndOptions + " (expected: " + DNS_TXT + ")");
        }
        try {
            return dns.txt(selector + "._domainkey." + token);
        } catch (DnsTemporaryFailure e) {
            throw new TempFailException(e.getMessage());
        }
    }
}
