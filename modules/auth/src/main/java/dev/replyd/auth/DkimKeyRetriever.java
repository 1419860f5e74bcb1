package dev.replyd.auth;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;

/**
 * jDKIM's key lookup, answered by our one {@link DnsClient}: the TXT records at
 * {@code <selector>._domainkey.<domain>}.
 *
 * <p>Contract: returns the TXT records there (jDKIM picks the first valid key record), minus RSA keys
 * shorter than {@value #MIN_RSA_BITS} bits, which RFC 8301 3.2 forbids verifiers to accept; an empty list
 * when none is left, which jDKIM reports as a failed signature ("no key for signature"). Only the
 * {@code dns/txt} query method exists (RFC 6376 3.5, tag {@code q=}); any other is a permanent failure.
 * A temporary DNS failure is jDKIM's {@link TempFailException}, reported as {@code temperror}.
 *
 * <p>Standards: RFC 6376 section 3.6.2; RFC 8301 section 3.2 (key sizes).
 *
 * <p>Thread-safety: stateless apart from the shared, thread-safe {@link DnsClient}.
 */
final class DkimKeyRetriever implements PublicKeyRecordRetriever {

    private static final String DNS_TXT = "dns/txt";
    /** RFC 8301 3.2: verifiers MUST NOT consider signatures using shorter RSA keys as valid. */
    static final int MIN_RSA_BITS = 1024;

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
        List<String> records;
        try {
            records = dns.txt(selector + "._domainkey." + token);
        } catch (DnsTemporaryFailure e) {
            throw new TempFailException(e.getMessage());
        }
        List<String> acceptable = new ArrayList<>(records.size());
        for (String record : records) {
            if (!isShortRsaKey(record)) {
                acceptable.add(record);
            }
        }
        return acceptable;
    }

    /**
     * Whether the record's {@code p=} holds an RSA key under {@value #MIN_RSA_BITS} bits. Anything that
     * does not decode as an RSA key is left for jDKIM to judge (and refuse).
     */
    static boolean isShortRsaKey(String record) {
        for (String tag : record.split(";")) {
            String[] nameValue = tag.split("=", 2);
            if (nameValue.length == 2 && nameValue[0].strip().equals("p")) {
                try {
                    byte[] der = Base64.getDecoder().decode(nameValue[1].replaceAll("\\s", ""));
                    BigInteger modulus = ((RSAPublicKey) KeyFactory.getInstance("RSA")
                            .generatePublic(new X509EncodedKeySpec(der))).getModulus();
                    return modulus.bitLength() < MIN_RSA_BITS;
                } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
                    return false;
                }
            }
        }
        return false;
    }
}
