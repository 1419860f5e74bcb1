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
 * table) decodes with malformed bytes replaced by U+FFFD, unless the label plainly does not fit
 * the bytes: "UTF-8" on bytes that are not UTF-8 reads as the charset {@link CharsetGuess}
 * detects, or windows-1252 when it detects none; an ASCII, ISO-8859 or windows-125x label on
 * valid multi-byte UTF-8 reads as UTF-8; such a label on bytes the detector confidently places in
 * a Japanese, Chinese or Korean multi-byte charset (ISO-2022-JP escapes under "us-ascii",
 * Shift_JIS under "iso-8859-1") reads as that charset. Each of these is flagged as a fallback,
 * with a note. A label whose superset every mail client reads instead (Shift_JIS as Windows-31J,
 * GB2312 as GBK, EUC-KR as CP949, ISO-8859-1 as windows-1252, …) is read as that superset. A
 * charset Java does not know is replaced by UTF-8 when the bytes are valid UTF-8, otherwise
 * ISO-8859-1 (which accepts every byte), and the result says a fallback happened so the caller
 * can flag it. A missing charset means US-ASCII (RFC 2046 section 4.1.2), but real senders put
 * 8-bit text there: ASCII bytes read as ASCII and valid UTF-8 as UTF-8, without a flag; ASCII
 * bytes with ISO-2022-JP escapes, and other bytes, go to {@link CharsetGuess}, whose confident
 * guess (Japanese, Chinese, Korean, Cyrillic, Greek, Arabic, Hebrew) is used and flagged with the
 * note "no charset label: detected …"; without one they read as ISO-8859-1, without a flag. The
 * detector runs only on bytes that are neither plain ASCII nor UTF-8, so ordinary mail pays
 * nothing for it.
 *
 * <p>Thread-safety: stateless.
 */
final class TextDecoding {
  private TextDecoding() {}

  /** The text, whether another charset than the declared one was used, and a note saying why. */
  record Decoded(String text, boolean fallback, String note) {
    Decoded(String text, boolean fallback) {
      this(text, fallback, null);
    }
  }

  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  static Decoded decode(byte[] bytes, String declaredCharset) {
    if (declaredCharset == null || declaredCharset.isBlank()) {
      return unlabelled(bytes);
    }
    Charset charset = lookup(declaredCharset.trim());
    if (charset == null) {
      return new Decoded(utf8OrLatin1(bytes), true,
          "unknown charset " + printable(declaredCharset) + ": read as UTF-8 or ISO-8859-1");
    }
    String misfit = "charset " + printable(declaredCharset) + " does not fit the bytes: ";
    boolean ascii = isAscii(bytes);
    if (ascii) {
      if (isSingleByteWesternOrAscii(charset) && hasEscape(bytes)) {
        // ISO-2022-JP is 7-bit: its escape sequences are the only sign the label is wrong
        CharsetGuess.Guess guess = CharsetGuess.of(bytes);
        if (guess != null && CharsetGuess.multiByte(guess)) {
          return new Decoded(new String(bytes, guess.charset()), true, misfit + "detected " + guess.name());
        }
      }
      return new Decoded(new String(bytes, charset), false);
    }
    if (charset.equals(StandardCharsets.UTF_8) && !isUtf8(bytes)) {
      // labelled UTF-8 but not UTF-8: the label is wrong, the bytes are a legacy charset
      CharsetGuess.Guess guess = CharsetGuess.of(bytes);
      if (guess != null) {
        return new Decoded(new String(bytes, guess.charset()), true, misfit + "detected " + guess.name());
      }
      return new Decoded(new String(bytes, WINDOWS_1252), true, misfit + "read as windows-1252");
    }
    if (isSingleByteWesternOrAscii(charset)) {
      if (isUtf8(bytes)) {
        // labelled Latin-1/ASCII but valid multi-byte UTF-8: no Latin-1 text looks like that
        return new Decoded(new String(bytes, StandardCharsets.UTF_8), true, misfit + "read as UTF-8");
      }
      // Latin-1 text never looks like confident CJK to the detector (its common-character
      // statistics fail), so only a multi-byte guess overrules the label; a Cyrillic guess
      // against a Western single-byte label would be one single-byte reading against another
      CharsetGuess.Guess guess = CharsetGuess.of(bytes);
      if (guess != null && CharsetGuess.multiByte(guess)) {
        return new Decoded(new String(bytes, guess.charset()), true, misfit + "detected " + guess.name());
      }
    }
    return new Decoded(new String(bytes, charset), false);
  }

  /** Bytes without a charset label: ASCII, then UTF-8, then a confident guess, then ISO-8859-1. */
  private static Decoded unlabelled(byte[] bytes) {
    if (isAscii(bytes)) {
      // ISO-2022-JP is 7-bit: ASCII bytes with escapes may be Japanese
      CharsetGuess.Guess guess = hasEscape(bytes) ? CharsetGuess.of(bytes) : null;
      if (guess != null && CharsetGuess.multiByte(guess)) {
        return new Decoded(new String(bytes, guess.charset()), true, "no charset label: detected " + guess.name());
      }
      return new Decoded(new String(bytes, StandardCharsets.US_ASCII), false);
    }
    if (isUtf8(bytes)) {
      return new Decoded(new String(bytes, StandardCharsets.UTF_8), false);
    }
    CharsetGuess.Guess guess = CharsetGuess.of(bytes);
    if (guess != null) {
      return new Decoded(new String(bytes, guess.charset()), true, "no charset label: detected " + guess.name());
    }
    return new Decoded(new String(bytes, StandardCharsets.ISO_8859_1), false);
  }

  /** Whether the bytes hold ESC, which ISO-2022 text needs and other text almost never has. */
  private static boolean hasEscape(byte[] bytes) {
    for (byte b : bytes) {
      if (b == 0x1b) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSingleByteWesternOrAscii(Charset charset) {
    String name = charset.name().toLowerCase(java.util.Locale.ROOT);
    return name.equals("us-ascii") || name.startsWith("iso-8859-") || name.startsWith("windows-125");
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** A charset label as sent, made safe for a log line or note (it comes from the sender). */
  private static String printable(String label) {
    String trimmed = label.strip();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < trimmed.length() && i < 40; i++) {
      char c = trimmed.charAt(i);
      out.append(c >= 0x21 && c < 0x7f && c != '"' ? c : '?');
    }
    return "\"" + out + "\"";
  }

  /**
   * Labels mail clients (and the WHATWG encoding standard) read as a superset, because senders
   * put the superset's extra characters under the narrower label: "髙" in Shift_JIS, "镕" in
   * GB2312, "똘" in EUC-KR, curly quotes and € in ISO-8859-1.
   */
  private static final java.util.Map<String, String> SUPERSETS = java.util.Map.ofEntries(
      java.util.Map.entry("shift_jis", "windows-31j"), java.util.Map.entry("shift-jis", "windows-31j"),
      java.util.Map.entry("sjis", "windows-31j"), java.util.Map.entry("x-sjis", "windows-31j"),
      java.util.Map.entry("gb2312", "gbk"), java.util.Map.entry("euc-cn", "gbk"), java.util.Map.entry("x-gbk", "gbk"),
      java.util.Map.entry("euc-kr", "x-windows-949"), java.util.Map.entry("ks_c_5601-1987", "x-windows-949"),
      java.util.Map.entry("iso-8859-1", "windows-1252"), java.util.Map.entry("latin1", "windows-1252"),
      java.util.Map.entry("iso-8859-9", "windows-1254"), java.util.Map.entry("tis-620", "x-windows-874"),
      java.util.Map.entry("iso-8859-11", "x-windows-874"), java.util.Map.entry("big5", "big5-hkscs"));

  private static Charset lookup(String name) {
    String superset = SUPERSETS.get(name.toLowerCase(java.util.Locale.ROOT));
    for (String candidate : new String[] {superset, name, MimeUtility.javaCharset(name)}) {
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
