package dev.replyd.maildir;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * NAME
 *   TracePrefix - the trace fields replyd puts in front of each stored message, written and read
 *   back in one place
 *
 * SYNOPSIS
 *   byte[] prefix = TracePrefix.recipientFields(sender, recipient);        // one per stored copy
 *   byte[] received = TracePrefix.receivedField(helo, client, "ESMTPS", tls, host, queueId, rcpts, now);
 *   TracePrefix trace = TracePrefix.of(headerSection);                     // or read(stream), bounded
 *   trace.sender(); trace.recipient(); trace.clientIp(); trace.helo(); trace.queueId();
 *
 * DESCRIPTION
 *   Every file the SMTP side stores starts with these fields, the first two per recipient (given
 *   to {@link Maildir#begin}), the third shared (the first body bytes, since the queue id is only
 *   known once the delivery exists):
 *   <pre>
 *   Return-Path: &lt;sender&gt;            RFC 5321 4.4 (return-path line, added at final delivery)
 *   Delivered-To: recipient           as Postfix's local and virtual delivery write it
 *   Received: from helo (unknown [192.0.2.1])
 *           (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)
 *           by host (replyd) with ESMTPS id 0A1B2C3D4E5F
 *           for &lt;rcpt&gt;; Sat, 28 Nov 2026 01:02:03 +0000
 *   </pre>
 *   then the client's bytes. Like Postfix's cleanup, the Received field names the recipient
 *   ("for") only when there is exactly one (RFC 5321 4.4: with several, naming one would disclose
 *   it to the others). The TLS comment appears only for a TLS session; the protocol after "with" is
 *   the caller's (RFC 3848 SMTP/ESMTP/ESMTPS, RFC 6531 3.7.4 UTF8SMTP/UTF8SMTPS). No reverse DNS
 *   ("unknown"): the lookup would block the I/O thread. The client is an RFC 5321 4.1.3 address
 *   literal ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}, zone id dropped; {@code [unknown]}
 *   without an address).
 *
 *   Reading takes the facts from the LEADING fields only: a {@code Return-Path} as the first field,
 *   the {@code Delivered-To} right after it, and the {@code Received} after those; the same fields
 *   further down came with the message (a forwarded mail carries its own Delivered-To and Received)
 *   and are never read. A file that does not start with {@code Return-Path} has no prefix: every
 *   fact is absent. {@link #fieldCount()} says how many leading fields are ours, which is what
 *   {@link HeaderSection#withoutReplydTrace} sets aside.
 *
 * SECURITY
 *   The HELO is the client's text: only printable ASCII other than blank, '(', ')' and ';' is kept,
 *   cut at {@value #MAX_HELO} characters, so it can neither fold the field nor forge a comment or the
 *   "by ... id" part; a HELO that leaves nothing is replaced by the client's address literal (so a
 *   read-back HELO may be that literal). The sender and recipient are the SMTP side's parsed
 *   addresses, which hold no line breaks. Read-back values are as stored: callers escape them before
 *   logging ({@link ClientText}).
 *
 * LIMITS
 *   {@link #read} consumes at most {@value #MAX_PREFIX_BYTES} bytes (more than the three fields can
 *   take: the SMTP command line limit bounds the sender), and a leading field the limit cut is not
 *   read. {@link #of} looks at the first three fields of a section {@link HeaderSection} already
 *   bounded. Either way the cost does not depend on the size of the message.
 *
 * DIAGNOSTICS
 *   None: a missing or malformed field gives an absent fact, never an exception; {@link #read}
 *   throws only the stream's {@link IOException}.
 *
 * THREAD SAFETY
 *   Immutable; the writers are stateless.
 */
public final class TracePrefix {

    /** The most {@link #read} consumes of a stored file. */
    public static final int MAX_PREFIX_BYTES = 16 * 1024;
    static final int MAX_HELO = 255;

    private static final DateTimeFormatter RFC_5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);
    private static final TracePrefix NONE = new TracePrefix(0, null, null, null);

    private final int fieldCount;
    private final String sender;
    private final String recipient;
    private final String received;

    private TracePrefix(int fieldCount, String sender, String recipient, String received) {
        this.fieldCount = fieldCount;
        this.sender = sender;
        this.recipient = recipient;
        this.received = received;
    }

    /**
     * The per-recipient fields, {@code Return-Path} and {@code Delivered-To}, as UTF-8 (RFC 6531
     * addresses are stored as they came).
     *
     * @param sender    the envelope sender without angle brackets; "" for the null sender
     * @param recipient the recipient this copy is stored for
     */
    public static byte[] recipientFields(String sender, String recipient) {
        return ("Return-Path: <" + sender + ">\r\nDelivered-To: " + recipient + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The shared {@code Received} field, as UTF-8, ending in CRLF.
     *
     * @param helo       the client's HELO/EHLO argument as given, or null
     * @param client     the client's address (null: unknown)
     * @param protocol   the "with" keyword (RFC 3848, RFC 6531)
     * @param tls        the session's TLS parameters, when TLS is on
     * @param hostname   our host name, the "by" part
     * @param queueId    the delivery's queue id ({@link Delivery#queueId()})
     * @param recipients the recipients stored; named ("for") only when there is one
     */
    public static byte[] receivedField(String helo, InetSocketAddress client, String protocol, Optional<SSLSession> tls,
            String hostname, String queueId, List<String> recipients, ZonedDateTime now) {
        StringBuilder field = new StringBuilder(256);
        field.append("Received: from ").append(sanitizedHelo(helo, client))
                .append(" (unknown ").append(addressLiteral(client)).append(")\r\n");
        tls.ifPresent(session -> field.append("\t(using ").append(session.getProtocol())
                .append(" with cipher ").append(session.getCipherSuite()).append(")\r\n"));
        field.append("\tby ").append(hostname).append(" (replyd) with ").append(protocol)
                .append(" id ").append(queueId);
        if (recipients.size() == 1) {
            field.append("\r\n\tfor <").append(recipients.get(0)).append('>');
        }
        field.append("; ").append(RFC_5322_DATE.format(now)).append("\r\n");
        return field.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 5321 4.1.3 address literal: [192.0.2.1] or [IPv6:2001:db8::1]; [unknown] without an address. */
    static String addressLiteral(InetSocketAddress client) {
        InetAddress address = client == null ? null : client.getAddress();
        if (address == null) {
            return "[unknown]";
        }
        String text = address.getHostAddress();
        int zone = text.indexOf('%');
        if (zone >= 0) {
            text = text.substring(0, zone);
        }
        return address instanceof Inet6Address ? "[IPv6:" + text + "]" : "[" + text + "]";
    }

    private static String sanitizedHelo(String helo, InetSocketAddress client) {
        if (helo == null || helo.isBlank()) {
            return addressLiteral(client);
        }
        StringBuilder out = new StringBuilder(Math.min(helo.length(), MAX_HELO));
        for (int i = 0; i < helo.length() && out.length() < MAX_HELO; i++) {
            char c = helo.charAt(i);
            if (c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != ';') {
                out.append(c);
            }
        }
        return out.length() == 0 ? addressLiteral(client) : out.toString();
    }

    /**
     * The prefix of a stored file, reading at most {@value #MAX_PREFIX_BYTES} bytes of {@code in} (at
     * the file's first byte); the stream is left somewhere in the header section.
     */
    public static TracePrefix read(InputStream in) throws IOException {
        Bounded bounded = new Bounded(in, MAX_PREFIX_BYTES);
        HeaderSection section = HeaderSection.read(new BufferedInputStream(bounded, 4096), StandardCharsets.UTF_8);
        List<String> fields = section.fields();
        // The limit may have cut the last field read: only the fields before it are whole.
        return of(bounded.exhausted() ? fields.subList(0, Math.max(0, fields.size() - 1)) : fields);
    }

    /** The prefix at the top of {@code section} (only its first three fields are looked at). */
    public static TracePrefix of(HeaderSection section) {
        return of(section.fields());
    }

    private static TracePrefix of(List<String> fields) {
        int next = 0;
        if (next >= fields.size() || !HeaderSection.hasName(fields.get(next), "Return-Path")) {
            return NONE;
        }
        String sender = unbracket(HeaderSection.unfoldedValue(fields.get(next++)));
        String recipient = null;
        if (next < fields.size() && HeaderSection.hasName(fields.get(next), "Delivered-To")) {
            recipient = HeaderSection.unfoldedValue(fields.get(next++)).strip();
        }
        String received = null;
        if (next < fields.size() && HeaderSection.hasName(fields.get(next), "Received")) {
            received = HeaderSection.unfoldedValue(fields.get(next++)).strip();
        }
        return new TracePrefix(next, sender, recipient, received);
    }

    private static String unbracket(String value) {
        String v = value.strip();
        if (v.startsWith("<") && v.endsWith(">")) {
            v = v.substring(1, v.length() - 1).strip();
        }
        return v;
    }

    /** How many leading fields are replyd's trace (0 to 3): what a reader of the sender's header skips. */
    public int fieldCount() {
        return fieldCount;
    }

    /** The envelope sender from our {@code Return-Path}: present and empty for the null sender {@code <>}. */
    public Optional<String> sender() {
        return Optional.ofNullable(sender);
    }

    /** The recipient this copy was stored for, from our {@code Delivered-To}. */
    public Optional<String> recipient() {
        return Optional.ofNullable(recipient);
    }

    /** Our {@code Received} field's value, unfolded, for display. */
    public Optional<String> received() {
        return Optional.ofNullable(received);
    }

    /** The HELO/EHLO name as stored (sanitised; the client's address literal when it gave none). */
    public Optional<String> helo() {
        if (received == null) {
            return Optional.empty();
        }
        List<String> words = words(received);
        return words.size() >= 2 && words.get(0).equalsIgnoreCase("from") ? Optional.of(words.get(1)) : Optional.empty();
    }

    /**
     * The client's IP address, from the address literal in the comment after the HELO: "192.0.2.1" or
     * "2001:db8::1"; absent when it was unknown or the field is not in our form.
     */
    public Optional<String> clientIp() {
        if (received == null) {
            return Optional.empty();
        }
        int open = received.indexOf('(');
        int close = open < 0 ? -1 : received.indexOf(')', open);
        if (close < 0) {
            return Optional.empty();
        }
        String comment = received.substring(open + 1, close);
        int start = comment.lastIndexOf('[');
        int end = comment.lastIndexOf(']');
        if (start < 0 || end < start) {
            return Optional.empty();
        }
        String literal = comment.substring(start + 1, end);
        if (literal.regionMatches(true, 0, "IPv6:", 0, 5)) {
            literal = literal.substring(5);
        }
        if (literal.isEmpty()) {
            return Optional.empty();
        }
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                return Optional.empty(); // "unknown", or not an IP literal
            }
        }
        return Optional.of(literal);
    }

    /** The queue id after "id" in the "by" part (as the mail log names the message). */
    public Optional<String> queueId() {
        if (received == null) {
            return Optional.empty();
        }
        List<String> words = words(received);
        boolean afterBy = false;
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equalsIgnoreCase("by")) {
                afterBy = true;
            } else if (afterBy && words.get(i).equalsIgnoreCase("id")) {
                return Optional.of(words.get(i + 1));
            }
        }
        return Optional.empty();
    }

    /** The words of a field value: runs of characters other than blanks and ';' (our separators). */
    private static List<String> words(String value) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= value.length(); i++) {
            boolean separator = i == value.length() || value.charAt(i) == ' ' || value.charAt(i) == '\t'
                    || value.charAt(i) == ';';
            if (separator && start >= 0) {
                words.add(value.substring(start, i));
                start = -1;
            } else if (!separator && start < 0) {
                start = i;
            }
        }
        return words;
    }

    @Override
    public String toString() {
        return "TracePrefix[fields=" + fieldCount + ", sender=" + sender + ", recipient=" + recipient + "]";
    }

    /** Reads at most {@code limit} bytes of the underlying stream and says whether it stopped there. */
    private static final class Bounded extends FilterInputStream {
        private long left;
        private boolean exhausted;

        Bounded(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                exhausted = true;
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                exhausted = true;
                return -1;
            }
            int n = super.read(buffer, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        boolean exhausted() {
            return exhausted;
        }
    }
}
