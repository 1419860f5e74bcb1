package dev.replyd.extract;

import jakarta.mail.internet.MimeUtility;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;

/**
 * Turns the bytes of a text part into a Java string, given the part's declared charset.
 *
 * <p>Contract: a charset Java knows (directly or through Jakarta Mail's MIME-to-Java alias
 * table) decodes with malformed bytes replaced by U+FFFD. A charset Java does not know is
 * replaced by UTF-8 when the bytes are valid UTF-8, otherwise ISO-8859-1 (which accepts every
 * byte), and the result says a fallback happened so the caller can flag it. A missing charset
 * means US-ASCII (RFC 2046 section 4.1.2); since real senders put 8-bit text there, UTF-8 is
 * tried first and ISO-8859-1 after, without a flag.
 *
 * <p>Thread-safety: stateless.
 */
final class TextDecoding {
  private TextDecoding() {}

  record Decoded(String text, boolean fallback) {}

  static Decoded decode(byte[] bytes, String declaredCharset) {
    if (declaredCharset == null || declaredCharset.isBlank()) {
      return new Decoded(utf8OrLatin1(bytes), false);
    }
    Charset charset = lookup(declaredCharset.trim());
    if (charset == null) {
      return new Decoded(utf8OrLatin1(bytes), true);
    }
    return new Decoded(new String(bytes, charset), false);
  }

  private static Charset lookup(String name) {
    for (String candidate : new String[] {name, MimeUtility.javaCharset(name)}) {
      try {
        if (candidate != null && Charset.isSupported(candidate)) {
          return Charset.forName(candidate);
        }
      } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
        // try the next spelling; an unknown name ends in the fallback
      }
    }
    return null;
  }

  private static String utf8OrLatin1(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }
}
