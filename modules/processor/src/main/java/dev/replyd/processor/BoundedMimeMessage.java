package dev.replyd.processor;

import dev.replyd.maildir.HeaderSection;
import dev.replyd.maildir.TracePrefix;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedFileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * BoundedMimeMessage - a stored message parsed by Jakarta Mail, with its header section read by the one
 * header reader replyd has ({@link HeaderSection}) instead of Jakarta Mail's own.
 *
 * <p>CONTRACT: the top-level header section is read in linear time and bounded memory: a field is kept
 * up to {@value HeaderSection#MAX_FIELD_BYTES} bytes and the rest discarded, as Postfix's
 * {@code header_size_limit} does, so no later header lookup works on a megabyte-sized field;
 * {@link #cut()} says what was discarded. The body is parsed by Jakarta Mail as usual, streamed from the
 * file when the stream is a {@link SharedFileInputStream}. The same section gives {@link #trace()}, the
 * envelope facts of replyd's {@link TracePrefix}. Header text is UTF-8 (RFC 6532), as the
 * session's {@code mail.mime.allowutf8} asks.
 *
 * <p>FAILURES: {@link MessagingException} when the file cannot be read.
 *
 * <p>THREAD-SAFETY: not thread-safe; used by the worker that parsed it.
 */
final class BoundedMimeMessage extends MimeMessage {

  /** Set while the superclass constructor parses; no initializer, so the value survives it. */
  private String cut;
  /** Likewise: replyd's trace prefix at the top of the same header section. */
  private TracePrefix trace;

  BoundedMimeMessage(Session session, InputStream in) throws MessagingException {
    super(session, in);
  }

  /** The header section of {@code file} only: the body is referenced in the file, never read. */
  static BoundedMimeMessage headersOf(Path file, Session session) throws IOException, MessagingException {
    SharedFileInputStream in = new SharedFileInputStream(file.toFile());
    try {
      return new BoundedMimeMessage(session, in);
    } finally {
      in.close();
    }
  }

  @Override
  protected InternetHeaders createInternetHeaders(InputStream in) throws MessagingException {
    HeaderSection section;
    try {
      section = HeaderSection.read(in, StandardCharsets.UTF_8);
    } catch (IOException unreadable) {
      throw new MessagingException("cannot read the header section: " + unreadable.getMessage(), unreadable);
    }
    cut = section.cut();
    trace = TracePrefix.of(section);
    InternetHeaders headers = new InternetHeaders();
    for (String field : section.fields()) {
      // A continuation line with no field before it has no name to file it under.
      if (!field.isEmpty() && field.charAt(0) != ' ' && field.charAt(0) != '\t') {
        headers.addHeaderLine(field);
      }
    }
    return headers;
  }

  /** The envelope facts replyd's SMTP side stored above the message ({@link TracePrefix}). */
  TracePrefix trace() {
    return trace;
  }

  /** What the header limits discarded, in words; null when nothing was. */
  String cut() {
    return cut;
  }
}
