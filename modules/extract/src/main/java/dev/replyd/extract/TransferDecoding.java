package dev.replyd.extract;

import java.util.Base64;
import java.util.Locale;

/**
 * Undoes a content transfer encoding that Jakarta Mail refused as damaged (base64 whose last
 * group lacks its padding), the way mail clients still show such a part.
 *
 * <p>Contract: {@code base64}: characters outside the alphabet are skipped, the input is padded,
 * a lone trailing character (no whole byte) is dropped. Any other encoding (quoted-printable
 * damage is already tolerated by the lenient session) returns the raw bytes. Never throws.
 *
 * <p>Thread-safety: stateless.
 */
final class TransferDecoding {
  private TransferDecoding() {}

  static byte[] lenient(byte[] raw, String encoding) {
    return switch (encoding.toLowerCase(Locale.ROOT)) {
      case "base64" -> base64(raw);
      default -> raw;
    };
  }

  private static byte[] base64(byte[] raw) {
    StringBuilder clean = new StringBuilder(raw.length);
    for (byte b : raw) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/') {
        clean.append(c);
      }
    }
    if (clean.length() % 4 == 1) {
      clean.setLength(clean.length() - 1); // a lone trailing character carries no whole byte
    }
    while (clean.length() % 4 != 0) {
      clean.append('=');
    }
    return Base64.getDecoder().decode(clean.toString());
  }
}
