package dev.replyd.console;

import dev.replyd.maildir.HeaderSection;
import dev.replyd.maildir.TracePrefix;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The header fields of one stored message that the console lists, read from a bounded prefix of the file.
 *
 * <p>Contract: at most {@code limit} bytes are read; the fields are unfolded, RFC 2047-decoded where
 * encoded, stripped of control characters and cut at {@link #MAX_VALUE} characters. They are the
 * sender's text: shown as text, never as HTML. A field missing from the prefix is "".
 * {@code Return-Path}, {@code Delivered-To} and {@code Received} are replyd's own trace prefix, as
 * {@link TracePrefix} reads it (the same fields further down came with the message and are not shown).
 *
 * <p>Failures: IOException when the file cannot be read (it moved meanwhile: the caller looks again).
 *
 * <p>Thread-safety: immutable.
 */
record StoredMessage(String returnPath, String deliveredTo, String received, String from, String to,
    String subject, String messageId, String date, List<String> authenticationResults) {

  static final int LIST_PREFIX = 16 * 1024;
  static final int DETAIL_PREFIX = 64 * 1024;
  static final int MAX_VALUE = 300;

  static StoredMessage read(Path file, int limit) throws IOException {
    byte[] prefix;
    try (InputStream in = Files.newInputStream(file)) {
      prefix = in.readNBytes(limit);
    }
    // The project's one header-section reader; the prefix bounds what is read.
    HeaderSection headers = HeaderSection.read(new ByteArrayInputStream(prefix), StandardCharsets.UTF_8);
    TracePrefix trace = TracePrefix.of(headers);
    String returnPath = trace.sender().map(sender -> clean("<" + sender + ">")).orElse("");
    String deliveredTo = trace.recipient().map(StoredMessage::clean).orElse("");
    String received = trace.received().map(StoredMessage::clean).orElse("");
    String from = "";
    String to = "";
    String subject = "";
    String messageId = "";
    String date = "";
    List<String> auth = new ArrayList<>();
    for (String field : headers.withoutReplydTrace().fields()) {
      String name = field.substring(0, field.indexOf(':')).strip().toLowerCase(java.util.Locale.ROOT);
      String value = clean(HeaderSection.unfoldedValue(field));
      switch (name) {
        case "from" -> from = from.isEmpty() ? value : from;
        case "to" -> to = to.isEmpty() ? value : to;
        case "subject" -> subject = subject.isEmpty() ? value : subject;
        case "message-id" -> messageId = messageId.isEmpty() ? value : messageId;
        case "date" -> date = date.isEmpty() ? value : date;
        case "authentication-results" -> {
          if (auth.size() < 10) {
            auth.add(value);
          }
        }
        default -> { }
      }
    }
    return new StoredMessage(returnPath, deliveredTo, received, from, to, subject, messageId, date, List.copyOf(auth));
  }

  /** The envelope sender without its angle brackets ("" for the null sender). */
  String mailFrom() {
    String r = returnPath.strip();
    return r.startsWith("<") && r.endsWith(">") ? r.substring(1, r.length() - 1) : r;
  }

  static String clean(String raw) {
    if (raw == null) {
      return "";
    }
    String unfolded = HeaderSection.unfold(raw);
    String decoded;
    try {
      decoded = MimeUtility.decodeText(unfolded);
    } catch (java.io.UnsupportedEncodingException | RuntimeException e) {
      decoded = unfolded;
    }
    StringBuilder out = new StringBuilder(Math.min(decoded.length(), MAX_VALUE));
    decoded.codePoints().limit(MAX_VALUE).forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp));
    return out.toString().strip() + (decoded.codePointCount(0, decoded.length()) > MAX_VALUE ? "…" : "");
  }
}
