package dev.replyd.extract;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.SharedFileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * The readable body of one message: its first inline text/plain and text/html parts, decoded,
 * and every other leaf part as an attachment.
 *
 * <p>Contract: the MIME tree is walked depth-first in document order. The first inline
 * {@code text/plain} leaf is the plain body and the first inline {@code text/html} leaf the HTML
 * body; every other leaf (a {@code Content-Disposition: attachment}, a non-text part, a second
 * text part, an embedded {@code message/rfc822}) is an attachment, in tree order. Transfer
 * encodings (quoted-printable, base64) are undone by Jakarta Mail; charsets are decoded by
 * {@link TextDecoding} (an unknown, missing-and-detected or misfitting charset sets
 * {@link #charsetFallback()}); {@code format=flowed}
 * plain text is unwrapped by {@link FlowedText}. {@link #text()} is the plain body, or else the
 * HTML rendered as readable text by {@link HtmlText}, or else the empty string.
 *
 * <p>Files are read through {@link SharedFileInputStream}, so a large message is never held as
 * one byte array; attachment parts stay backed by the file and are read lazily by the caller,
 * until {@link #close()} releases the file (use try-with-resources with {@link #read(Path)}).
 * Only the chosen text parts are read into memory, bounded by the SMTP size limit.
 *
 * <p>Failures: read the way mail clients read, and say what was repaired ({@link #repairs()}):
 * a multipart whose parts cannot be found (declared {@code multipart/alternative} with no
 * boundary lines, a missing start boundary) is read as one text body; damaged transfer
 * encodings are undone as far as they go (lenient session, then {@link TransferDecoding} for
 * what Jakarta Mail still refuses); a charset label that does not fit
 * the bytes is replaced
 * ({@link #charsetFallback()}). Only a file that cannot be opened, or such a repair that finds
 * no text at all, throws {@link UnparseableMessageException} naming the path (or "stream") and
 * the cause.
 *
 * <p>Standards: RFC 2045–2047, RFC 2183 (Content-Disposition), RFC 3676 (format=flowed).
 * Thread-safety: immutable after construction; the attachment {@link Part}s are Jakarta objects
 * and must be read by one thread at a time.
 */
public final class MessageBody implements AutoCloseable {
  private static final Session SESSION = Session.getInstance(lenientParsing());

  private final java.io.Closeable source;
  private final String plain;
  private final String html;
  private final List<Part> attachments;
  private final boolean charsetFallback;
  private final List<String> repairs;

  private MessageBody(java.io.Closeable source, String plain, String html, List<Part> attachments,
      boolean charsetFallback, List<String> repairs) {
    this.source = source;
    this.plain = plain;
    this.html = html;
    this.attachments = List.copyOf(attachments);
    this.charsetFallback = charsetFallback;
    this.repairs = List.copyOf(repairs);
  }

  /** Parses a message file without loading it whole (the parts share the open file). */
  public static MessageBody read(Path messageFile) throws UnparseableMessageException {
    if (!Files.isReadable(messageFile)) {
      throw new UnparseableMessageException(
          "read message " + messageFile + ": not a readable file (expected: an RFC 5322 message file)");
    }
    SharedFileInputStream in = null;
    try {
      in = new SharedFileInputStream(messageFile.toFile());
      return parse(new MimeMessage(SESSION, in), messageFile.toString(), in);
    } catch (MessagingException | IOException | UnparseableMessageException e) {
      closeQuietly(in);
      if (e instanceof UnparseableMessageException u) {
        throw u;
      }
      throw new UnparseableMessageException("read message " + messageFile + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(java.io.Closeable in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // the parse already failed; that failure is the one worth reporting
      }
    }
  }

  /**
   * The lenient Jakarta Mail session this class parses with (non-strict addresses, parameters
   * and encoded words; damaged base64 tolerated). Callers that parse messages themselves and
   * then use {@link #of(Part)} should use it too, so they see mail the way
   * {@code replyd extract} does.
   */
  public static Session session() {
    return SESSION;
  }

  /**
   * Releases the message file opened by {@link #read(Path)} (attachments can no longer be read
   * after this). A no-op for bodies made by {@link #read(InputStream)} or {@link #of(Part)},
   * whose stream belongs to the caller.
   */
  @Override
  public void close() {
    closeQuietly(source);
  }

  /** Parses a message from a stream (for example stdin for {@code replyd extract}). */
  public static MessageBody read(InputStream in) throws UnparseableMessageException {
    try {
      return parse(new MimeMessage(SESSION, in), "stream", null);
    } catch (MessagingException e) {
      throw new UnparseableMessageException("read message from stream: " + e.getMessage(), e);
    }
  }

  /** Selects the body of a message (or any part) already parsed by the caller. */
  public static MessageBody of(Part message) throws UnparseableMessageException {
    return parse(message, "message", null);
  }

  private static MessageBody parse(Part message, String where, java.io.Closeable source)
      throws UnparseableMessageException {
    Walk walk = new Walk();
    try {
      walk.visit(message, 0);
    } catch (MessagingException | IOException e) {
      throw new UnparseableMessageException("read MIME structure of " + where + ": " + e.getMessage(), e);
    }
    if (walk.plain == null && walk.html == null && !walk.repairs.isEmpty() && walk.unreadable) {
      throw new UnparseableMessageException("read MIME structure of " + where + ": " + String.join("; ", walk.repairs)
          + " (no readable text in the message)");
    }
    return new MessageBody(source, walk.plain, walk.html, walk.attachments, walk.fallback, walk.repairs);
  }

  public Optional<String> plain() {
    return Optional.ofNullable(plain);
  }

  public Optional<String> html() {
    return Optional.ofNullable(html);
  }

  /** The plain body if there is one, else the HTML body as readable text, else "". */
  public String text() {
    if (plain != null) {
      return plain;
    }
    return html == null ? "" : HtmlText.render(html);
  }

  public List<Part> attachments() {
    return attachments;
  }

  /**
   * True when a text part's declared charset was unknown or did not fit its bytes, and another
   * charset decoded it.
   */
  public boolean charsetFallback() {
    return charsetFallback;
  }

  /**
   * What was wrong with the message and how its text was read anyway, one short note each
   * (never message content), e.g. {@code "multipart/alternative without parts (Missing start
   * boundary): its body read as text/plain"}. Empty for a well-formed message.
   */
  public List<String> repairs() {
    return repairs;
  }

  /** Builds a body from already-decoded text, for the extractor's string entry points. */
  static MessageBody ofText(String plain, String html) {
    return new MessageBody(null, plain, html, List.of(), false, List.of());
  }

  /** Depth-first walk; confined to one parse call. */
  private static final class Walk {
    /** Deeper trees are not mail written by people; stop before a stack overflow. */
    private static final int MAX_DEPTH = 32;

    String plain;
    String html;
    final List<Part> attachments = new ArrayList<>();
    final List<String> repairs = new ArrayList<>();
    boolean fallback;
    /** A repair found no text to read (the message may still have text elsewhere). */
    boolean unreadable;

    void visit(Part part, int depth) throws MessagingException, IOException {
      ContentType type = contentType(part);
      if (type.getPrimaryType().equals("multipart") && depth < MAX_DEPTH) {
        // Parsed from the part's own data source, not through getContent(): that asks the JVM-wide
        // mailcap, where javax.mail's handlers (James Protocols brings that jar) may come first
        // and break Jakarta Mail with a ClassCastException.
        Multipart multipart;
        int count;
        try {
          multipart = new MimeMultipart(part.getDataHandler().getDataSource());
          count = multipart.getCount();
        } catch (MessagingException e) {
          readAsText(part, type, "(" + e.getMessage() + ")");
          return;
        }
        if (count == 0) {
          readAsText(part, type, "(no body parts)");
          return;
        }
        for (int i = 0; i < count; i++) {
          BodyPart child = multipart.getBodyPart(i);
          visit(child, depth + 1);
        }
        return;
      }
      boolean inline = !Part.ATTACHMENT.equalsIgnoreCase(disposition(part));
      boolean text = type.getPrimaryType().equals("text");
      if (inline && text && type.getSubType().equals("plain") && plain == null) {
        String decoded = decode(part, type);
        String format = type.getParameter("format");
        if ("flowed".equalsIgnoreCase(format)) {
          decoded = FlowedText.unwrap(decoded, "yes".equalsIgnoreCase(type.getParameter("delsp")));
        }
        plain = decoded;
      } else if (inline && text && type.getSubType().equals("html") && html == null) {
        html = decode(part, type);
      } else {
        Optional<TnefContent> tnef = TnefContent.of(part, type);
        if (tnef.isEmpty()) {
          attachments.add(part);
          return;
        }
        plain = plain == null ? tnef.get().plain() : plain;
        html = html == null ? tnef.get().html() : html;
        attachments.addAll(tnef.get().attachments());
      }
    }

    /**
     * A multipart whose parts cannot be found (no boundary lines, a missing start boundary): mail
     * clients show its body as text, and so do we, with a note. What is read is the body as
     * sent, decoded by its transfer encoding and charset; an HTML-looking body counts as HTML.
     */
    private void readAsText(Part part, ContentType type, String why) throws MessagingException, IOException {
      String text = decodeBytes(part, type.getParameter("charset"));
      String note = type.getBaseType() + " without parts " + why;
      if (text.isBlank()) {
        repairs.add(note + ": no text in its body");
        unreadable = true;
        return;
      }
      boolean looksHtml = text.stripLeading().regionMatches(true, 0, "<html", 0, 5)
          || text.stripLeading().regionMatches(true, 0, "<!doctype html", 0, 14);
      if (looksHtml && html == null) {
        html = text;
        repairs.add(note + ": its body read as text/html");
      } else if (!looksHtml && plain == null) {
        plain = text;
        repairs.add(note + ": its body read as text/plain");
      } else {
        repairs.add(note + ": ignored, the message has text elsewhere");
      }
    }

    private String decode(Part part, ContentType type) throws MessagingException, IOException {
      return decodeBytes(part, type.getParameter("charset"));
    }

    /** The part's bytes after its transfer encoding, decoded by {@link TextDecoding}. */
    private String decodeBytes(Part part, String charset) throws MessagingException, IOException {
      byte[] bytes;
      try (InputStream in = part.getInputStream()) {
        bytes = in.readAllBytes(); // one text part, not the message: bounded by the SMTP size limit
      } catch (IOException e) {
        // Jakarta Mail gives up on some damage (base64 without its padding); clients do not
        bytes = TransferDecoding.lenient(rawBytes(part), encoding(part));
        repairs.add("damaged " + encoding(part) + " transfer encoding: decoded leniently");
      }
      TextDecoding.Decoded decoded = TextDecoding.decode(bytes, charset);
      fallback |= decoded.fallback();
      if (decoded.note() != null) {
        repairs.add(decoded.note());
      }
      return decoded.text();
    }

    private static byte[] rawBytes(Part part) throws MessagingException, IOException {
      InputStream raw = part instanceof MimeMessage m ? m.getRawInputStream()
          : part instanceof jakarta.mail.internet.MimeBodyPart b ? b.getRawInputStream() : null;
      if (raw == null) {
        return new byte[0];
      }
      try (InputStream in = raw) {
        return in.readAllBytes();
      }
    }

    private static String encoding(Part part) {
      try {
        String e = part instanceof jakarta.mail.internet.MimePart mime ? mime.getEncoding() : null;
        return e == null ? "7bit" : e.toLowerCase(Locale.ROOT);
      } catch (MessagingException e) {
        return "7bit";
      }
    }

    private static String disposition(Part part) {
      try {
        return part.getDisposition();
      } catch (MessagingException e) {
        return null; // an unreadable disposition is treated as absent (inline)
      }
    }

    private static ContentType contentType(Part part) throws MessagingException {
      String raw = part.getContentType();
      if (raw == null) {
        return new ContentType("text", "plain", null);
      }
      try {
        ContentType type = new ContentType(raw);
        return new ContentType(
            type.getPrimaryType().toLowerCase(Locale.ROOT),
            type.getSubType().toLowerCase(Locale.ROOT),
            type.getParameterList());
      } catch (ParseException e) {
        // RFC 2045 section 5.2: an unparseable Content-Type is text/plain; us-ascii
        return new ContentType("text", "plain", null);
      }
    }
  }

  private static Properties lenientParsing() {
    Properties props = new Properties();
    props.setProperty("mail.mime.address.strict", "false");
    props.setProperty("mail.mime.parameters.strict", "false");
    props.setProperty("mail.mime.decodetext.strict", "false");
    props.setProperty("mail.mime.base64.ignoreerrors", "true");
    props.setProperty("mail.mime.uudecode.ignoreerrors", "true");
    props.setProperty("mail.mime.ignoreunknownencoding", "true");
    props.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
    props.setProperty("mail.mime.multipart.allowempty", "true");
    props.setProperty("mail.mime.allowutf8", "true");
    return props;
  }
}
