package dev.replyd.address;

/**
 * The character-level rules of reply addresses, shared by the codec and the token: kinds, decimal ids,
 * ASCII-only case folding and safe quoting of untrusted input in reasons.
 *
 * <p>Why ASCII-only: {@link String#equalsIgnoreCase} and {@link Long#parseLong} accept far more than mail
 * addresses should. {@code "\u0131".equalsIgnoreCase("i")} (dotless i) and {@code "\u212A"} (Kelvin sign)
 * versus {@code "k"} are true, and {@code parseLong} accepts Arabic-Indic digits; either would let a second
 * spelling of a signed address through.
 *
 * <p>Thread-safety: stateless.
 */
final class AddressSyntax {

    /** Longest excerpt of untrusted input quoted in a reason or message. */
    static final int EXCERPT_CHARS = 40;

    /** {@link #parseId} result: not a plain decimal number. */
    static final long NOT_DECIMAL = -1;
    /** {@link #parseId} result: decimal, but larger than {@link Long#MAX_VALUE}. */
    static final long OVERFLOW = -2;

    private AddressSyntax() {
    }

    /** One or more lowercase ASCII letters. */
    static boolean isKind(String kind) {
        if (kind == null || kind.isEmpty()) {
            return false;
        }
        for (int i = 0; i < kind.length(); i++) {
            char c = kind.charAt(i);
            if (c < 'a' || c > 'z') {
                return false;
            }
        }
        return true;
    }

    /** The message for a kind that {@link #isKind} refused, naming {@code field}. */
    static String describeBadKind(String field, String kind) {
        if (kind == null) {
            return field + " is missing (expected: lowercase letters a-z, e.g. i)";
        }
        return field + " " + quote(kind) + " is not lowercase letters (expected: one or more of a-z, e.g. i)";
    }

    /** Lowercases ASCII letters only; every other character is left as it is. */
    static String toLowerAscii(String text) {
        StringBuilder lower = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (lower == null) {
                    lower = new StringBuilder(text);
                }
                lower.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return lower == null ? text : lower.toString();
    }

    /** Equal when ASCII letters are folded to lowercase; all other characters must be identical. */
    static boolean equalsIgnoreAsciiCase(String a, String b) {
        return a.length() == b.length() && toLowerAscii(a).equals(toLowerAscii(b));
    }

    /**
     * Parses a plain decimal id: ASCII digits only, no sign, no leading zero except {@code "0"} itself.
     *
     * @return the id, {@link #NOT_DECIMAL} or {@link #OVERFLOW}
     */
    static long parseId(String text) {
        if (text.isEmpty() || (text.length() > 1 && text.charAt(0) == '0')) {
            return NOT_DECIMAL;
        }
        long value = 0;
        boolean overflow = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return NOT_DECIMAL;
            }
            if (!overflow) {
                int digit = c - '0';
                if (value > (Long.MAX_VALUE - digit) / 10) {
                    overflow = true;
                } else {
                    value = value * 10 + digit;
                }
            }
        }
        return overflow ? OVERFLOW : value;
    }

    /**
     * Quotes untrusted text for a reason or exception message: single quotes around at most
     * {@link #EXCERPT_CHARS} characters of output, anything outside printable ASCII written as
     * {@code \}{@code uXXXX}, and {@code ...} when cut, so a hostile address can neither forge log lines nor
     * flood them.
     */
    static String quote(String text) {
        StringBuilder body = new StringBuilder(EXCERPT_CHARS);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String shown = c >= 0x20 && c <= 0x7e ? String.valueOf(c) : String.format("\\u%04x", (int) c);
            if (body.length() + shown.length() > EXCERPT_CHARS) {
                body.append("...");
                break;
            }
            body.append(shown);
        }
        return "'" + body + "'";
    }
}
