package dev.replyd.auth;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One published DMARC policy record: the TXT record at {@code _dmarc.<domain>} (RFC 7489 6.3, 6.4).
 *
 * <p>Contract: {@link #parse} returns empty for a TXT record that is not a DMARC record (it must start
 * with the tag {@code v=DMARC1}, exactly so: RFC 7489 6.4). For a DMARC record it reads the tags this
 * receiver acts on: {@code p} and {@code sp} (policy for the domain and for subdomains covered by an
 * organisational-domain record), {@code adkim} and {@code aspf} ({@code r} relaxed, the default, or
 * {@code s} strict). Other tags ({@code pct}, {@code rua}, {@code ruf}, {@code fo}, {@code ri}, unknown
 * ones) are ignored: replyd sends no reports and, like most receivers, applies the policy to all mail.
 * Tag names and values other than {@code v}'s are read ignoring ASCII case; white space around tags is
 * allowed (6.4 ABNF).
 *
 * <p>Failures: a record whose {@code p} is missing or invalid, or whose {@code sp} is invalid, is read
 * as {@code p=none} when it has an {@code rua} tag and as {@link #valid() invalid} otherwise (RFC 7489
 * 6.6.3 step 6); unknown {@code adkim}/{@code aspf} values mean relaxed.
 *
 * @param valid          whether the record states a usable policy
 * @param policy         {@code p}: none, quarantine or reject ({@code null} when invalid)
 * @param subdomainPolicy {@code sp}, defaulting to {@code p}
 * @param strictDkim     {@code adkim=s}
 * @param strictSpf      {@code aspf=s}
 */
record DmarcRecord(boolean valid, String policy, String subdomainPolicy, boolean strictDkim, boolean strictSpf) {

    private static final Set<String> POLICIES = Set.of("none", "quarantine", "reject");

    static Optional<DmarcRecord> parse(String txt) {
        String[] tags = txt.split(";");
        String[] version = tags[0].split("=", 2);
        if (version.length != 2 || !version[0].strip().equals("v") || !version[1].strip().equals("DMARC1")) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < tags.length; i++) {
            String[] tag = tags[i].split("=", 2);
            if (tag.length == 2) {
                values.putIfAbsent(tag[0].strip().toLowerCase(Locale.ROOT), tag[1].strip().toLowerCase(Locale.ROOT));
            }
        }
        String p = values.get("p");
        String sp = values.getOrDefault("sp", p);
        boolean strictDkim = "s".equals(values.get("adkim"));
        boolean strictSpf = "s".equals(values.get("aspf"));
        if (!isPolicy(p) || !isPolicy(sp)) {
            if (values.containsKey("rua")) {
                return Optional.of(new DmarcRecord(true, "none", "none", strictDkim, strictSpf));
            }
            return Optional.of(new DmarcRecord(false, null, null, strictDkim, strictSpf));
        }
        return Optional.of(new DmarcRecord(true, p, sp, strictDkim, strictSpf));
    }

    private static boolean isPolicy(String value) {
        return value != null && POLICIES.contains(value);
    }
}
