package dev.replyd.processor;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParseException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * AttachmentSummary - what the payload says about one attachment: always its metadata, and its
 * content when it is small enough.
 *
 * <p>CONTRACT: {@code originalName} is the decoded file name (RFC 2231 / RFC 2047) exactly as the
 * sender gave it, null when the part has none: untrusted, it may hold a path, control or bidi
 * characters. {@code name} is a safe file name derived from it ({@link SafeText#fileName}: last path
 * segment, no control or bidi characters, never empty); {@code contentType} the lower-cased base type; {@code size} and {@code sha256} are
 * of the decoded content (after base64 / quoted-printable). {@code contentBase64} holds the
 * content when {@code size <= callback.max-attachment-bytes}; otherwise it is null and
 * {@code contentOmitted} is true. The part is streamed once: hashing and size never need the
 * whole attachment in memory, and at most the limit plus one buffer is kept.
 *
 * <p>FAILURES: a part whose content cannot be decoded throws {@link IOException} or
 * {@link MessagingException}; the worker files the message as {@code unparseable}.
 *
 * <p>THREAD-SAFETY: immutable.
 */
record AttachmentSummary(
    String name, String originalName, String contentType, long size, String sha256, String contentBase64, boolean contentOmitted) {

  static AttachmentSummary of(Part part, long maxContentBytes) throws IOException, MessagingException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException required) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", required);
    }
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    long size = 0;
    try (InputStream in = part.getInputStream()) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha256.update(buffer, 0, n);
        size += n;
        if (kept != null) {
          if (size <= maxContentBytes) {
            kept.write(buffer, 0, n);
          } else {
            kept = null;
          }
        }
      }
    }
    String originalName = InboundMessage.decodedWords(part.getFileName());
    return new AttachmentSummary(
        SafeText.fileName(originalName),
        originalName,
        baseType(part),
        size,
        HexFormat.of().formatHex(sha256.digest()),
        kept == null ? null : Base64.getEncoder().encodeToString(kept.toByteArray()),
        kept == null);
  }

  private static String baseType(Part part) throws MessagingException {
    String raw = part.getContentType();
    if (raw == null) {
      return "application/octet-stream";
    }
    try {
      return new ContentType(raw).getBaseType().toLowerCase(Locale.ROOT);
    } catch (ParseException unreadable) {
      return "application/octet-stream";
    }
  }
}
