package dev.replyd.auth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.jdkim.api.Headers;

/**
 * The header section of a stored message, as jDKIM needs it: each field exactly as received.
 *
 * <p>Contract: {@link #read} consumes the stream up to and including the empty line that ends the header
 * section (or to the end, for a message without body), leaving the stream at the first body byte. Each
 * field is kept raw: name, colon and value, folded lines joined by CRLF, no final line break; a file
 * saved with bare LF line ends is read as if they were CRLF. {@link #getFields(String)} matches field
 * names ignoring ASCII case, in the order the fields appear, which is what DKIM's bottom-up selection of
 * signed fields relies on (RFC 6376 5.4.2).
 *
 * <p>Why our own reader and not jDKIM's (Apache Mime4j): Mime4j is banned from the build (see the parent
 * pom's enforcer rules), and a header section is simple enough to read byte for byte.
 *
 * <p>Encoding: fields are decoded with the JVM's default charset because jDKIM hashes them with
 * {@code String.getBytes()} in that same charset: the round trip gives back the received bytes whenever
 * they are valid in it. Under a UTF-8 default (Java 18+, or {@code -Dfile.encoding=UTF-8}) that covers
 * RFC 6532 (SMTPUTF8) headers; under an ASCII default, signatures over 8-bit headers fail.
 *
 * <p>Failures: {@link IOException} from the stream; {@link TooLarge} when the header section exceeds
 * {@value #MAX_HEADER_BYTES} bytes (a resource limit: such a message is not verified).
 *
 * <p>Thread-safety: immutable once read.
 */
final class HeaderSection implements Headers {

    /** Largest header section read, in bytes; real ones are a few kilobytes. */
    static final int MAX_HEADER_BYTES = 1 << 20;

    /** The header section is larger than {@link #MAX_HEADER_BYTES}. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("header section exceeds " + MAX_HEADER_BYTES + " bytes (expected: a mail header section, "
                    + "a few kilobytes); the message is not verified");
        }
    }

    private final List<String> fields;

    private HeaderSection(List<String> fields) {
        this.fields = List.copyOf(fields);
    }

    static HeaderSection read(InputStream in) throws IOException {
        List<String> fields = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream(256);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int total = 0;
        while (true) {
            line.reset();
            boolean ended = readLine(in, line);
            total += line.size() + 2;
            if (total > MAX_HEADER_BYTES) {
                throw new TooLarge();
            }
            if (line.size() == 0) {
                break;
            }
            byte first = line.toByteArray()[0];
            if ((first == ' ' || first == '\t') && field.size() > 0) {
                field.write('\r');
                field.write('\n');
            } else if (field.size() > 0) {
                fields.add(decode(field));
                field.reset();
            }
            line.writeTo(field);
            if (!ended) {
                break;
            }
        }
        if (field.size() > 0) {
            fields.add(decode(field));
        }
        return new HeaderSection(fields);
    }

    /**
     * This section without the trace fields replyd's SMTP side put in front of the received message
     * (a leading {@code Return-Path}, {@code Delivered-To} and the {@code Received} right after them), so
     * signatures are checked on the message as the sender's MTA sent it: a signature that covers more
     * {@code Received} fields than were present when signing must not pick up ours (RFC 6376 5.4.2).
     * Fields further down are the sender's, whatever their name, and stay.
     */
    HeaderSection withoutReplydTrace() {
        int skip = 0;
        if (skip < fields.size() && hasName(fields.get(skip), "Return-Path")) {
            skip++;
            if (skip < fields.size() && hasName(fields.get(skip), "Delivered-To")) {
                skip++;
            }
            if (skip < fields.size() && hasName(fields.get(skip), "Received")) {
                skip++;
            }
        }
        return skip == 0 ? this : new HeaderSection(fields.subList(skip, fields.size()));
    }

    @Override
    public List<String> getFields() {
        return fields;
    }

    @Override
    public List<String> getFields(String name) {
        List<String> matching = new ArrayList<>(2);
        for (String field : fields) {
            if (hasName(field, name)) {
                matching.add(field);
            }
        }
        return matching;
    }

    /** The value of a raw field: what follows the first colon, unfolded (RFC 5322 2.2.3). */
    static String unfoldedValue(String field) {
        int colon = field.indexOf(':');
        return field.substring(colon + 1).replace("\r\n", "");
    }

    /** Whether the field's name (before the colon, trailing blanks allowed: RFC 5322 4.5) is {@code name}. */
    static boolean hasName(String field, String name) {
        int colon = field.indexOf(':');
        if (colon < 0) {
            return false;
        }
        return field.substring(0, colon).stripTrailing().toLowerCase(Locale.ROOT)
                .equals(name.toLowerCase(Locale.ROOT));
    }

    /** Reads one line without its CRLF or LF; false when the stream ended before a line break. */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
                    line.reset();
                    line.write(bytes, 0, bytes.length - 1);
                }
                return true;
            }
            line.write(b);
            if (line.size() > MAX_HEADER_BYTES) {
                throw new TooLarge();
            }
        }
        return false;
    }

    private static String decode(ByteArrayOutputStream field) {
        return field.toString(Charset.defaultCharset());
    }
}
