package dev.replyd.smtp;

/**
 * How the DATA header filters read one line of the header section: where the section ends and which
 * line folds into the field before it (RFC 5322 2.2.3).
 *
 * <p>Contract: a line is a CRLF line as a DataLineFilter sees it (after {@link BareLineFeedFilter}).
 * The header section ends at an empty line or at the final dot (a message without a body);
 * a line starting with a space or a tab, before that end, continues the field above it.
 *
 * <p>Thread-safety: stateless.
 */
final class DataHeaderLines {

    private DataHeaderLines() {}

    /** The empty line after the header fields, or the final dot of a message that has no body. */
    static boolean endsHeaders(byte[] line) {
        return line.length <= 2 || (line.length == 3 && line[0] == '.');
    }

    /** A folded continuation of the header field on the lines before. */
    static boolean continuesField(byte[] line) {
        return !endsHeaders(line) && (line[0] == ' ' || line[0] == '\t');
    }
}
