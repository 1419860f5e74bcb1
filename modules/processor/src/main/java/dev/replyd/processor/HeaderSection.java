package dev.replyd.processor;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HeaderSection - the {@link InboundMessage} facts of a file that was not parsed whole (too large, or
 * unreadable as a MIME message), from its header section alone.
 *
 * <p>CONTRACT: {@link #facts} reads the file up to the first empty line (CRLF or LF), at most
 * {@value #MAX_BYTES} bytes, and parses only that; the body is never read, so a huge message costs no more
 * than its header. Returns null when the file cannot be read or the header cannot be parsed.
 *
 * <p>STANDARDS: RFC 5322 section 2.1 (the header section ends at the first empty line).
 *
 * <p>THREAD-SAFETY: stateless; confined to the calling worker.
 */
final class HeaderSection {

  static final int MAX_BYTES = 256 * 1024;

  private HeaderSection() {}

  static InboundMessage facts(Path file, Session session) {
    ByteArrayOutputStream header = new ByteArrayOutputStream(8192);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      int last = 0; // the last four bytes read, newest lowest
      for (int b; header.size() < MAX_BYTES && (b = in.read()) >= 0; ) {
        header.write(b);
        last = (last << 8) | b;
        if ((last & 0xFFFF) == 0x0A0A || last == 0x0D0A0D0A) {
          break;
        }
      }
      return InboundMessage.of(new MimeMessage(session, new ByteArrayInputStream(header.toByteArray())));
    } catch (IOException | MessagingException | RuntimeException unreadable) {
      return null;
    }
  }
}
