package dev.replyd.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * The organisational domain of a DNS name (RFC 7489 3.2), for DMARC record discovery and relaxed alignment.
 *
 * <p>Contract: the last two labels of the name ({@code mail.example.com -> example.com}), or the last
 * three when the last two are a well-known two-level public suffix ({@code www.example.co.uk ->
 * example.co.uk}); a name with no more labels than that is its own organisational domain.
 *
 * <p>Limitation: RFC 7489 asks for the Public Suffix List; this is a small, fixed approximation of it.
 * Suffixes missing from {@link #TWO_LEVEL_PUBLIC_SUFFIXES} and the list's private suffixes (hosting
 * platforms such as {@code github.io}) make unrelated registrants look like one organisation: two
 * domains under such a suffix are "aligned" in relaxed mode, and a subdomain there falls back to the
 * suffix owner's DMARC record. Strict alignment ({@code adkim=s}, {@code aspf=s}) is not affected.
 *
 * <p>Thread-safety: stateless.
 */
final class OrganizationalDomain {

    /** Second-level registries of country-code domains that sell names below them. */
    private static final Set<String> TWO_LEVEL_PUBLIC_SUFFIXES = Set.of(
            "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "sch.uk", "ac.uk", "gov.uk", "nhs.uk",
            "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au",
            "co.nz", "net.nz", "org.nz", "ac.nz", "govt.nz", "school.nz",
            "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "ed.jp", "ad.jp", "gr.jp", "lg.jp",
            "co.kr", "or.kr", "ne.kr", "ac.kr", "go.kr",
            "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn",
            "com.tw", "net.tw", "org.tw", "edu.tw", "gov.tw",
            "com.hk", "net.hk", "org.hk", "edu.hk", "gov.hk",
            "com.sg", "net.sg", "org.sg", "edu.sg", "gov.sg",
            "co.in", "net.in", "org.in", "firm.in", "gen.in", "ind.in", "ac.in", "edu.in", "gov.in",
            "co.id", "or.id", "ac.id", "go.id", "web.id",
            "com.my", "net.my", "org.my", "edu.my", "gov.my",
            "com.ph", "net.ph", "org.ph",
            "co.th", "in.th", "or.th", "ac.th", "go.th",
            "com.vn", "net.vn", "org.vn",
            "co.za", "org.za", "net.za", "web.za", "gov.za", "ac.za",
            "com.br", "net.br", "org.br", "gov.br", "edu.br",
            "com.ar", "net.ar", "org.ar", "gob.ar",
            "com.mx", "net.mx", "org.mx", "gob.mx", "edu.mx",
            "com.co", "net.co", "org.co",
            "com.tr", "net.tr", "org.tr", "gen.tr", "gov.tr", "edu.tr",
            "co.il", "org.il", "net.il", "ac.il", "gov.il",
            "com.ua", "net.ua", "org.ua",
            "com.pl", "net.pl", "org.pl",
            "com.eg", "com.sa", "com.pk", "com.ng", "co.ke");

    private OrganizationalDomain() {
    }

    /** @param domain a lower-case DNS name without final dot */
    static String of(String domain) {
        String[] labels = domain.split("\\.");
        int keep = 2;
        if (labels.length >= 2) {
            String lastTwo = labels[labels.length - 2] + "." + labels[labels.length - 1];
            if (TWO_LEVEL_PUBLIC_SUFFIXES.contains(lastTwo)) {
                keep = 3;
            }
        }
        if (labels.length <= keep) {
            return domain;
        }
        return String.join(".", Arrays.asList(labels).subList(labels.length - keep, labels.length));
    }

    /** RFC 7489 3.1: strict means equal names; relaxed means equal organisational domains. */
    static boolean aligned(String domain, String authorDomain, boolean strict) {
        String a = domain.toLowerCase(Locale.ROOT);
        if (a.endsWith(".")) {
            a = a.substring(0, a.length() - 1);
        }
        if (strict) {
            return a.equals(authorDomain);
        }
        return of(a).equals(of(authorDomain));
    }
}
