package dev.replyd.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * MalformedMail - generators of hostile and broken messages for the processor: deep nesting, huge
 * headers, very many parts, broken encodings, unknown charsets, compressed bombs, and random
 * mutations of a well-formed multipart reply. Every message is a complete RFC 5322 text (CRLF);
 * what is wrong with it is in its MIME structure or content.
 *
 * <p>Thread-safety: stateless; the random mutations take the caller's {@link Random}.
 */
final class MalformedMail {
  private MalformedMail() {}

  static String headers(String subject, String contentType) {
    return "From: Fuzz Sender <sender@client.test>\r\n"
        + "To: reply@reply.tracker.test\r\n"
        + "Subject: " + subject + "\r\n"
        + "Message-ID: <" + Math.abs(subject.hashCode()) + "." + System.nanoTime() + "@mime.fuzz.test>\r\n"
        + "MIME-Version: 1.0\r\n"
        + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n");
  }

  /** Multiparts nested {@code depth} deep around one text part. */
  static String nestedMultiparts(int depth) {
    StringBuilder open = new StringBuilder();
    StringBuilder close = new StringBuilder();
    for (int i = 1; i < depth; i++) {
      open.append("--b").append(i).append("\r\nContent-Type: multipart/mixed; boundary=\"b").append(i + 1).append("\"\r\n\r\n");
      close.insert(0, "\r\n--b" + i + "--\r\n");
    }
    return headers("nested " + depth, "multipart/mixed; boundary=\"b1\"") + "\r\n" + open
        + "--b" + depth + "\r\nContent-Type: text/plain\r\n\r\nThe reply at the bottom of the nest.\r\n--b" + depth + "--\r\n" + close;
  }

  /** Nested message/rfc822 parts {@code depth} deep. */
  static String nestedMessages(int depth) {
    StringBuilder s = new StringBuilder("Content-Type: text/plain\r\n\r\ninnermost\r\n");
    for (int i = 0; i < depth; i++) {
      s.insert(0, "Content-Type: message/rfc822\r\n\r\nSubject: level " + i + "\r\n");
    }
    return headers("nested messages " + depth, null) + s;
  }

  /** One header field of about {@code bytes} bytes, folded every 76 characters. */
  static String hugeHeader(int bytes) {
    StringBuilder h = new StringBuilder("X-Huge:");
    while (h.length() < bytes) {
      h.append(" 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwx\r\n");
    }
    return headers("huge header", "text/plain") + h + "\r\nShort reply under a huge header.\r\n";
  }

  /** One unfolded header line of {@code bytes} bytes (no whitespace at all). */
  static String hugeUnfoldedHeader(int bytes) {
    return headers("huge unfolded header", "text/plain") + "X-Long: " + "a".repeat(bytes) + "\r\n\r\nReply.\r\n";
  }

  /** A multipart with {@code parts} tiny parts. */
  static String manyParts(int parts) {
    StringBuilder s = new StringBuilder(headers("many parts " + parts, "multipart/mixed; boundary=\"p\"")).append("\r\n");
    s.append("--p\r\nContent-Type: text/plain\r\n\r\nThe reply before many tiny parts.\r\n");
    for (int i = 0; i < parts; i++) {
      s.append("--p\r\n\r\nx\r\n");
    }
    return s.append("--p--\r\n").toString();
  }

  static Map<String, String> brokenEncodings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("base64-invalid-characters", headers("b64 bad chars", "text/plain; charset=utf-8")
        + "Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8g!!!***d29ybGQ=\r\n%%%%\r\n");
    m.put("base64-truncated", headers("b64 truncated", "text/plain; charset=utf-8")
        + "Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29y\r\nbG\r\n");
    m.put("base64-padding-in-the-middle", headers("b64 padding", "text/plain")
        + "Content-Transfer-Encoding: base64\r\n\r\nSGk=SGk=SGk=\r\n====\r\n");
    m.put("base64-attachment-broken", headers("b64 attachment", "multipart/mixed; boundary=\"z\"")
        + "\r\n--z\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--z\r\nContent-Type: application/pdf; name=a.pdf\r\n"
        + "Content-Disposition: attachment; filename=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n%PDF-not-base64 \u00ff\u00fe\r\n--z--\r\n");
    m.put("quoted-printable-broken", headers("qp broken", "text/plain; charset=iso-8859-1")
        + "Content-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 =ZZ =\r\n=4\r\nend=\r\n");
    m.put("unknown-transfer-encoding", headers("x-enc", "text/plain")
        + "Content-Transfer-Encoding: x-uuencode-ish\r\n\r\nbegin 644 x\r\nend\r\n");
    m.put("unknown-charset", headers("charset", "text/plain; charset=\"x-no-such-charset-42\"") + "\r\nReply in an unknown charset.\r\n");
    m.put("empty-charset", headers("empty charset", "text/plain; charset=\"\"") + "\r\nReply.\r\n");
    m.put("charset-with-spaces", headers("charset spaces", "text/plain; charset=\"utf 8 ; x\"") + "\r\nReply.\r\n");
    m.put("utf-7-charset", headers("utf-7", "text/plain; charset=utf-7") + "\r\nHi +AGEAYgBj- there\r\n");
    m.put("html-unknown-charset", headers("html charset", "text/html; charset=klingon") + "\r\n<p>Reply</p>\r\n");
    m.put("encoded-word-broken", headers("=?utf-8?B?****?= =?x-none?Q?a=ZZ?=", "text/plain") + "\r\nReply.\r\n");
    m.put("no-boundary-parameter", headers("no boundary", "multipart/mixed") + "\r\n--x\r\n\r\ntext\r\n--x--\r\n");
    m.put("boundary-never-used", headers("unused boundary", "multipart/alternative; boundary=\"never\"") + "\r\njust text\r\n");
    m.put("no-end-boundary", headers("no end", "multipart/mixed; boundary=\"e\"") + "\r\n--e\r\n\r\ntext without an end\r\n");
    m.put("boundary-of-100-characters", headers("long boundary", "multipart/mixed; boundary=\"" + "b".repeat(100) + "\"")
        + "\r\n--" + "b".repeat(100) + "\r\n\r\ntext\r\n--" + "b".repeat(100) + "--\r\n");
    m.put("nul-and-8-bit-bytes", headers("nul \u00e9\u00ff", "text/plain") + "\r\nRe\u0000ply with NUL and \u00ff bytes.\r\n");
    m.put("header-without-colon", headers("no colon", "text/plain") + "This line is not a header\r\n\r\nReply.\r\n");
    m.put("no-body-at-all", headers("no body", "text/plain"));
    m.put("deep-html", headers("deep html", "text/html; charset=utf-8") + "\r\n" + "<div>".repeat(20_000) + "Reply"
        + "</div>".repeat(20_000) + "\r\n");
    return m;
  }

  /**
   * Attachments that decode or decompress to much more than they weigh: a zip of zeros, and a
   * base64 attachment of {@code base64Bytes} that decodes to three quarters of that.
   */
  static Map<String, String> bombs(int zipUncompressedBytes, int base64Bytes) throws IOException {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(zipped)) {
      for (int f = 0; f < 4; f++) {
        zip.putNextEntry(new ZipEntry("zeros-" + f + ".bin"));
        byte[] chunk = new byte[1 << 16];
        for (int written = 0; written < zipUncompressedBytes / 4; written += chunk.length) {
          zip.write(chunk);
        }
        zip.closeEntry();
      }
    }
    Map<String, String> m = new LinkedHashMap<>();
    m.put("zip-bomb-attachment", attachment("zip bomb", "application/zip", "bomb.zip",
        Base64.getMimeEncoder().encodeToString(zipped.toByteArray())));
    StringBuilder big = new StringBuilder();
    String line = "A".repeat(76) + "\r\n";
    while (big.length() < base64Bytes) {
      big.append(line);
    }
    m.put("large-base64-attachment", attachment("large attachment", "application/octet-stream", "zeros.bin", big.toString()));
    m.put("gzip-declared-as-text", headers("gzip text", "text/plain") + "Content-Encoding: gzip\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString(zipped.toByteArray()) + "\r\n");
    return m;
  }

  private static String attachment(String subject, String type, String name, String base64) {
    return headers(subject, "multipart/mixed; boundary=\"att\"") + "\r\n--att\r\nContent-Type: text/plain\r\n\r\n"
        + "Reply with an attachment.\r\n--att\r\nContent-Type: " + type + "; name=" + name + "\r\n"
        + "Content-Disposition: attachment; filename=" + name + "\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64 + "\r\n--att--\r\n";
  }

  /** A well-formed multipart reply (text, HTML, attachment) with 1 to 8 random byte-level edits. */
  static String mutated(Random random) {
    String base = headers("mutated", "multipart/mixed; boundary=\"m1\"") + "\r\n--m1\r\n"
        + "Content-Type: multipart/alternative; boundary=\"m2\"\r\n\r\n--m2\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Content-Transfer-Encoding: quoted-printable\r\n\r\nThanks, that fixed it =E2=9C=93\r\n\r\nOn Mon, someone wrote:\r\n> old\r\n"
        + "--m2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Thanks, that fixed it</p><blockquote>old</blockquote>\r\n"
        + "--m2--\r\n--m1\r\nContent-Type: image/png; name=x.png\r\nContent-Transfer-Encoding: base64\r\n"
        + "Content-Disposition: attachment; filename=\"x.png\"\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\r\n--m1--\r\n";
    StringBuilder s = new StringBuilder(base);
    String[] inserts = {"\r\n", "--m1\r\n", "--m2--\r\n", "Content-Type: multipart/mixed; boundary=\"m1\"\r\n", "=?", "\u0000",
        "\r", "\n", "charset=x-bogus", "Content-Transfer-Encoding: base64\r\n", "\"", ";", "\u00ff"};
    int edits = 1 + random.nextInt(8);
    int headerEnd = base.indexOf("\r\n\r\n");
    for (int i = 0; i < edits; i++) {
      // Keep the first header lines (From, Subject) mostly intact so the message stays a reply.
      int pos = headerEnd / 2 + random.nextInt(s.length() - headerEnd / 2);
      switch (random.nextInt(4)) {
        case 0 -> s.insert(pos, inserts[random.nextInt(inserts.length)]);
        case 1 -> s.delete(pos, Math.min(s.length(), pos + 1 + random.nextInt(20)));
        case 2 -> s.setCharAt(pos, (char) random.nextInt(256));
        default -> s.setLength(Math.max(headerEnd, pos));
      }
    }
    return s.toString();
  }

  static byte[] bytes(String message) {
    return message.getBytes(StandardCharsets.ISO_8859_1);
  }
}
