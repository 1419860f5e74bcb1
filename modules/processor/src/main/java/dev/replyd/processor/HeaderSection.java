package dev.replyd.processor;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HeaderSection - the {@link InboundMessage} facts of a file that was not parsed whole (too large, or
 * unreadable as a MIME message), from its header section alone.
 *
 * <p>CONTRACT: {@link #facts} reads at most the first {@value #MAX_BYTES} bytes of the file and parses
 * the header section in them (up to the first empty line); the rest of a huge message is never read. Returns null when the file cannot be read or the header cannot be parsed.
 *
 * <p>STANDARDS: RFC 5322 section 2.1 (the header section ends at the first empty line).
 *
 * <p>THREAD-SAFETY: stateless; confined to the calling worker.
 */
final class HeaderSection {

  static final int MAX_BYTES = 256 * 1024;

  private HeaderSection() {}

  static InboundMessage facts(Path file, Session session) {
    // MimeMessage reads the header section up to the first empty line itself; the rest of the
    // bounded prefix is never looked at.
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(MAX_BYTES);
      return InboundMessage.of(new MimeMessage(session, new ByteArrayInputStream(head)));
    } catch (IOException | MessagingException | RuntimeException unreadable) {
      return null;
    }
  }
}
