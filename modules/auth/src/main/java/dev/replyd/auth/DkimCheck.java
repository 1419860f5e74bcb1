package dev.replyd.auth;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.Result;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;

/**
 * DKIM for one message (RFC 6376): every DKIM-Signature field verified by Apache jDKIM, keys fetched
 * through our {@link DnsClient}.
 *
 * <p>Contract: one {@link DkimResult} per DKIM-Signature field, passes first; an empty list when the
 * message has none. jDKIM checks the header hash and the body hash (computed in one pass over the body
 * for all signatures, honouring {@code l=}), the key record and its applicability, and refuses
 * signatures dated more than a few minutes in the future; RSA-SHA256 and RSA-SHA1 are supported.
 *
 * <p>Failures: a signature whose key cannot be fetched now is {@code temperror}; one that cannot be
 * parsed is {@code permerror}; every other problem is {@code fail}. A signature that verifies but uses
 * SHA-1 ({@code a=rsa-sha1}) is {@code policy} (RFC 8601 2.7.1: "signed, but ... not acceptable"), since
 * RFC 8301 3.1 forbids verifying with it; it therefore counts for nothing in DMARC. Keys under 1024 bits
 * are refused by {@link DkimKeyRetriever}, so such signatures {@code fail}. An {@link IOException} reading the
 * body propagates to the caller.
 *
 * <p>Standards: RFC 6376 (DKIM), RFC 8301 (algorithm and key size updates), RFC 8601 2.7.1 (results).
 *
 * <p>Thread-safety: shared; each call uses its own {@link DKIMVerifier}, which collects results.
 */
final class DkimCheck {

    private static final String SHA1 = "sha1";

    private final DkimKeyRetriever keys;

    DkimCheck(DnsClient dns) {
        this.keys = new DkimKeyRetriever(dns);
    }

    List<DkimResult> check(DkimHeaders headers, InputStream body) throws IOException {
        if (headers.getFields("DKIM-Signature").isEmpty()) {
            body.close();
            return List.of();
        }
        DKIMVerifier verifier = new DKIMVerifier(keys);
        try {
            verifier.verify(headers, body);
        } catch (FailException e) {
            // no signature verified: the reasons are in getResults(), one per signature
        }
        List<DkimResult> results = new ArrayList<>();
        for (Result result : verifier.getResults()) {
            String verdict = result.getResultType().name().toLowerCase(Locale.ROOT);
            SignatureRecord record = result.getRecord();
            if (result.getResultType() == Result.Type.PERMERROR || record == null) {
                // jDKIM puts a placeholder record (d=invalid) on signatures it could not parse
                results.add(new DkimResult(verdict, null, null));
            } else {
                if (result.getResultType() == Result.Type.PASS && SHA1.equalsIgnoreCase(text(record.getHashMethod()))) {
                    verdict = "policy";
                }
                results.add(new DkimResult(verdict, text(record.getDToken()), text(record.getSelector())));
            }
        }
        results.sort(Comparator.comparing(result -> !"pass".equals(result.result())));
        return results;
    }

    private static String text(CharSequence value) {
        return value == null ? null : value.toString().toLowerCase(Locale.ROOT);
    }
}
