package dev.replyd.maildir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HeaderSection - the header section of a stored message, read once, in bounded memory and linear time,
 * for every reader in replyd (MIME parsing in the processor, DKIM and DMARC in auth).
 *
 * <p>CONTRACT: {@link #read} consumes the stream up to and including the empty line that ends the header
 * section (or to the end, for a message without body), leaving the stream at the first body byte. Each
 * field is kept raw: name, colon and value, folded lines joined by CRLF, no final line break; bare LF line
 * ends are read as CRLF. {@link #fields(String)} matches names ignoring ASCII case and blanks before the
 * colon (RFC 5322 4.5), in the order the fields appear (what DKIM's bottom-up selection relies on).
 *
 * <p>LIMITS, as Postfix's {@code header_size_limit}: a field is kept up to {@value #MAX_FIELD_BYTES}
 * bytes and the excess (the rest of its lines) is discarded; fields that start after
 * {@value #MAX_SECTION_BYTES} bytes of kept fields are discarded whole. The bytes are still consumed, so
 * the body starts where it should. {@link #cut()} says what was discarded: a reader that must see every
 * field (DMARC counting From fields, DKIM hashing them) treats a cut section as unverifiable. Memory is
 * bounded by the two limits whatever the input; time is linear in its size.
 *
 * <p>TRACE: replyd's SMTP side writes {@code Return-Path}, {@code Delivered-To} and {@code Received} in
 * front of the message as received ({@link TracePrefix} writes and reads them); {@link #withoutReplydTrace}
 * gives the section as the sender's MTA sent it.
 *
 * <p>STANDARDS: RFC 5322 2.1 (the header section ends at the first empty line), 2.2.3 (folding).
 *
 * <p>FAILURES: {@link IOException} from the stream only; no input makes {@link #read} throw otherwise.
 *
 * <p>THREAD-SAFETY: immutable once read.
 */
public final class HeaderSection {

    /** Largest field kept, in bytes (Postfix's default {@code header_size_limit}). */
    public static final int MAX_FIELD_BYTES = 100 * 1024;
    /** Largest header section kept, in bytes; real ones are a few kilobytes. */
    public static final int MAX_SECTION_BYTES = 1 << 20;

    private final List<String> fields;
    private final String cut;

    private HeaderSection(List<String> fields, String cut) {
        this.fields = List.copyOf(fields);
        this.cut = cut;
    }

    /**
     * @param in      the stored message, at its first byte
     * @param charset how field bytes become text: UTF-8 for RFC 6532 headers; jDKIM needs the JVM default
     */
    public static HeaderSection read(InputStream in, Charset charset) throws IOException {
        List<String> fields = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream(256);
        long kept = 0;
        String firstCut = null;
        int cutFields = 0;
        boolean fieldCut = false;
        boolean dropping = false; // the current field started beyond MAX_SECTION_BYTES
        boolean atLineStart = true;
        boolean lastWasCr = false;
        int b;
        while ((b = in.read()) >= 0) {
            if (atLineStart) {
                if (b == '\n' || (b == '\r' && peekLf(in))) {
                    break; // the empty line: end of the header section
                }
                if (b != ' ' && b != '\t') {
                    // A new field starts: finish the previous one.
                    if (field.size() > 0) {
                        kept += field.size() + 2;
                        fields.add(field.toString(charset));
                        field.reset();
                    }
                    dropping = kept >= MAX_SECTION_BYTES;
                    fieldCut = false;
                } else if (field.size() > 0 && !fieldCut && !dropping) {
                    if (field.size() + 3 > MAX_FIELD_BYTES) {
                        // No room for the fold and one more byte: the field ends here.
                        fieldCut = true;
                        cutFields++;
                        firstCut = firstCut != null ? firstCut : fieldLimitCut(field, charset);
                    } else {
                        field.write('\r');
                        field.write('\n');
                    }
                }
                atLineStart = false;
            }
            if (b == '\n') {
                atLineStart = true;
                if (lastWasCr && field.size() > 0 && !fieldCut && !dropping) {
                    // "\r" was written as content; the CRLF is the line end, not part of the field.
                    trimLast(field);
                }
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (dropping) {
                if (firstCut == null) {
                    firstCut = "fields after the first " + MAX_SECTION_BYTES + " bytes of the header section";
                }
                if (!fieldCut) {
                    cutFields++;
                    fieldCut = true;
                }
                continue;
            }
            if (fieldCut) {
                continue;
            }
            if (field.size() >= MAX_FIELD_BYTES) {
                fieldCut = true;
                cutFields++;
                firstCut = firstCut != null ? firstCut : fieldLimitCut(field, charset);
                continue;
            }
            field.write(b);
        }
        if (field.size() > 0) {
            fields.add(field.toString(charset));
        }
        String cut = firstCut == null ? null
                : cutFields == 1 ? "cut " + firstCut : "cut " + cutFields + " fields, the first: " + firstCut;
        return new HeaderSection(fields, cut);
    }

    /** After a CR at the start of a line: consumes the LF of an empty "CRLF" line if it follows. */
    private static boolean peekLf(InputStream in) throws IOException {
        if (!in.markSupported()) {
            throw new IllegalArgumentException("HeaderSection.read needs a stream that supports mark/reset");
        }
        in.mark(1);
        if (in.read() == '\n') {
            return true;
        }
        in.reset();
        return false;
    }

    private static String fieldLimitCut(ByteArrayOutputStream field, Charset charset) {
        return "field " + name(field.toString(charset)) + " at " + MAX_FIELD_BYTES + " bytes";
    }

    /** Drops the last byte (a CR that turned out to end the line). */
    private static void trimLast(ByteArrayOutputStream field) {
        byte[] bytes = field.toByteArray();
        field.reset();
        field.write(bytes, 0, bytes.length - 1);
    }

    /** Every field, in order, raw. */
    public List<String> fields() {
        return fields;
    }

    /** The fields named {@code name} (ASCII case ignored), in order, raw. */
    public List<String> fields(String name) {
        List<String> matching = new ArrayList<>(2);
        for (String field : fields) {
            if (hasName(field, name)) {
                matching.add(field);
            }
        }
        return matching;
    }

    /** What the limits discarded, in words (e.g. "cut field Subject at 102400 bytes"); null when nothing. */
    public String cut() {
        return cut;
    }

    /**
     * This section without the trace fields replyd's SMTP side put in front of the received message (the
     * leading fields {@link TracePrefix} reads), so signatures are checked on the message as the sender's MTA
     * sent it (RFC 6376 5.4.2). Fields further down are the sender's, whatever their name, and stay.
     */
    public HeaderSection withoutReplydTrace() {
        int skip = TracePrefix.of(this).fieldCount();
        return skip == 0 ? this : new HeaderSection(fields.subList(skip, fields.size()), cut);
    }

    /** The value of a raw field: what follows the first colon, unfolded (RFC 5322 2.2.3), in linear time. */
    public static String unfoldedValue(String field) {
        int colon = field.indexOf(':');
        return unfold(field.substring(colon + 1));
    }

    /**
     * {@code text} with every CRLF (or bare LF) that is followed by a blank removed (RFC 5322 2.2.3), in one
     * pass: Jakarta Mail's {@code MimeUtility.unfold} copies the rest of the text at every fold, which is
     * quadratic in a field folded over many lines.
     */
    public static String unfold(String text) {
        if (text.indexOf('\n') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 2 < n && text.charAt(i + 1) == '\n' && isBlank(text.charAt(i + 2))) {
                i++; // skip CR and LF; the blank stays
            } else if (c == '\n' && i + 1 < n && isBlank(text.charAt(i + 1))) {
                // bare LF fold: skip it
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** Whether the field's name (before the colon, trailing blanks allowed: RFC 5322 4.5) is {@code name}. */
    public static boolean hasName(String field, String name) {
        int colon = field.indexOf(':');
        if (colon < 0) {
            return false;
        }
        return field.substring(0, colon).stripTrailing().toLowerCase(Locale.ROOT)
                .equals(name.toLowerCase(Locale.ROOT));
    }

    private static String name(String field) {
        int colon = field.indexOf(':');
        String name = colon < 0 ? field : field.substring(0, colon).strip();
        StringBuilder printable = new StringBuilder();
        for (int i = 0; i < name.length() && printable.length() < 64; i++) {
            char c = name.charAt(i);
            printable.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return printable.toString();
    }
}
