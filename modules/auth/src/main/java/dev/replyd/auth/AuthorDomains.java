package dev.replyd.auth;

import java.net.IDN;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The domains of the author addresses in a From field: DMARC's "RFC5322.From domain" (RFC 7489 3.1).
 *
 * <p>Contract: {@link #of} reads the field value (RFC 5322 3.6.2 mailbox-list, group syntax tolerated)
 * and returns each distinct domain in lower case, as an ASCII name (IDNA labels converted), without a
 * final dot. Display names, quoted strings and comments are skipped, so {@code "a@evil.example"
 * <b@good.example>} yields {@code good.example} only. An address whose domain is not a DNS name (an
 * address literal, a missing {@code @}) contributes nothing: the caller sees fewer domains, not a wrong one.
 *
 * <p>Thread-safety: stateless.
 */
final class AuthorDomains {

    /** LDH labels; underscore is tolerated as some mail domains use it. */
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)+");

    private AuthorDomains() {
    }

    /** @param fieldValue the From field's value, unfolded, without the name and colon */
    static Set<String> of(String fieldValue) {
        Set<String> domains = new LinkedHashSet<>();
        for (String mailbox : withoutQuotesAndComments(fieldValue).split(",")) {
            String address = addressOf(mailbox);
            int at = address.lastIndexOf('@');
            if (at < 0) {
                continue;
            }
            String domain = asciiDomain(address.substring(at + 1).strip());
            if (domain != null) {
                domains.add(domain);
            }
        }
        return domains;
    }

    /**
     * How many mailboxes the field names, whatever their domains: {@code a@x.example, b@x.example} is two
     * authors even though {@link #of} gives one domain. An empty group counts none.
     *
     * @param fieldValue the From field's value, unfolded, without the name and colon
     */
    static int mailboxCount(String fieldValue) {
        int count = 0;
        for (String mailbox : withoutQuotesAndComments(fieldValue).split(",")) {
            if (!addressOf(mailbox).isEmpty()) {
                count++;
            }
        }
        return count;
    }

    /** The addr-spec of one mailbox: inside angle brackets if any (dropping a route), else the text. */
    private static String addressOf(String mailbox) {
        String text = mailbox;
        int colon = text.indexOf(':');
        int open = text.indexOf('<');
        if (colon >= 0 && (open < 0 || colon < open)) {
            text = text.substring(colon + 1); // group: "name: a@b, c@d;"
        }
        text = text.replace(";", "");
        open = text.indexOf('<');
        if (open >= 0) {
            int close = text.indexOf('>', open);
            text = text.substring(open + 1, close < 0 ? text.length() : close);
            int routeEnd = text.indexOf(':');
            if (routeEnd >= 0) {
                text = text.substring(routeEnd + 1);
            }
        }
        return text.strip();
    }

    private static String asciiDomain(String domain) {
        String name = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        try {
            name = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return DNS_NAME.matcher(name).matches() && name.length() <= 253 ? name : null;
    }

    /**
     * The value with quoted strings emptied and comments removed, so that commas, '@' and brackets in
     * display names and comments are not taken for structure.
     */
    private static String withoutQuotesAndComments(String value) {
        StringBuilder out = new StringBuilder(value.length());
        boolean quoted = false;
        int depth = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((quoted || depth > 0) && c == '\\') {
                i++;
            } else if (quoted) {
                quoted = c != '"';
            } else if (c == '(') {
                depth++;
            } else if (depth > 0) {
                if (c == ')') {
                    depth--;
                }
            } else if (c == '"') {
                quoted = true;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
