package dev.replyd.auth;

import java.util.Locale;

/**
 * Recognises {@code Authentication-Results} fields that arrived with a message but claim to come from
 * this host, so they can be removed before replyd adds its own (RFC 8601 section 5: a receiver MUST
 * delete such fields from outside its trust boundary, or a sender could forge "dkim=pass").
 *
 * <p>Contract: {@link #claimsOurHost} is true exactly when the field is named
 * {@code Authentication-Results} (any case, blanks before the colon allowed) and its authserv-id (the
 * first token or quoted string of the value, after any comments and folding white space) equals
 * {@code ourHostname}, ignoring ASCII case and one final dot. Fields of other names, including
 * {@code ARC-Authentication-Results} (RFC 8617: sealed by another hop, never altered), are false.
 *
 * <p>Standards: RFC 8601 sections 2.2 (syntax), 2.5 (authserv-id), 5 (removal).
 *
 * <p>Thread-safety: stateless.
 */
public final class ForeignAuthResults {

    private static final String FIELD_NAME = "authentication-results";

    private ForeignAuthResults() {
    }

    /**
     * @param headerLine  one whole header field, name included, possibly folded over several lines
     * @param ourHostname the authserv-id replyd writes (its host name)
     * @return whether the field is an Authentication-Results field claiming {@code ourHostname}
     */
    public static boolean claimsOurHost(String headerLine, String ourHostname) {
        int colon = headerLine.indexOf(':');
        if (colon < 0 || !headerLine.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(FIELD_NAME)) {
            return false;
        }
        String authservId = authservId(headerLine.substring(colon + 1));
        return authservId != null && withoutFinalDot(authservId).equalsIgnoreCase(withoutFinalDot(ourHostname));
    }

    /** The first value token or quoted string after CFWS; null when there is none. */
    private static String authservId(String value) {
        int i = skipCommentsAndBlanks(value, 0);
        if (i >= value.length()) {
            return null;
        }
        StringBuilder id = new StringBuilder();
        if (value.charAt(i) == '"') {
            for (i++; i < value.length() && value.charAt(i) != '"'; i++) {
                if (value.charAt(i) == '\\' && i + 1 < value.length()) {
                    i++;
                }
                id.append(value.charAt(i));
            }
            return id.toString();
        }
        for (; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ';' || c == '(' || Character.isWhitespace(c)) {
                break;
            }
            id.append(c);
        }
        return id.length() == 0 ? null : id.toString();
    }

    /** Skips white space, line breaks and (nested) comments, RFC 5322 3.2.2. */
    private static int skipCommentsAndBlanks(String value, int start) {
        int i = start;
        int depth = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (depth > 0 && c == '\\') {
                i += 2;
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && !Character.isWhitespace(c)) {
                return i;
            }
            i++;
        }
        return i;
    }

    private static String withoutFinalDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
