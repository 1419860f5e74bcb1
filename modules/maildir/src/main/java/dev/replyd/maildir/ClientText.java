package dev.replyd.maildir;

/**
 * The one way replyd turns a string that came from a client or a sender (a command, an address, a HELO
 * name, a header value such as a Message-ID) into text fit for a log line or an SMTP reply: the smtp
 * module's {@code mail} log and replies, the processor's {@code replies} log.
 *
 * <p>Contract: {@link #escape} replaces every character that could break a line or fool a terminal
 * with a visible escape: C0 controls (CR, LF, ESC, NUL, ...) and DEL as {@code \x0d}, C1 controls
 * (U+0080 to U+009F) as {@code \x9b}, the Unicode line and paragraph separators, bidirectional
 * overrides and isolates (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F) and unpaired surrogates as
 * {@code \u202e}. Everything else, UTF-8 letters of an SMTPUTF8 address included, passes unchanged.
 * A backslash is left alone so that escaping is idempotent (a reply already escaped is logged as it
 * was sent); a client can write a literal "\x0d", but never a raw control character. Never fails.
 *
 * <p>Thread-safety: stateless.
 */
public final class ClientText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ClientText() {
    }

    /** {@code value} with every line-breaking, terminal-controlling or direction-changing character escaped. */
    public static String escape(CharSequence value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean pairedSurrogate = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (pairedSurrogate) {
                if (out != null) {
                    out.append(c).append(value.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (!needsEscape(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(value.length() + 16);
                out.append(value, 0, i);
            }
            if (c <= 0xff) {
                out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                        .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
        }
        return out == null ? value.toString() : out.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == 0x7f
                || (c >= 0x80 && c <= 0x9f)
                || c == 0x2028 || c == 0x2029
                || c == 0x200e || c == 0x200f
                || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069)
                || Character.isSurrogate(c);
    }
}
