package dev.replyd.processor;

/**
 * SafeText - sender text made safe for the payload's single-line fields and attachment file names.
 *
 * <p>CONTRACT: {@link #singleLine} turns every run of line-breaking or tab characters (CR, LF, TAB, VT,
 * FF, NEL, U+2028, U+2029) into one space, drops every other control character (Unicode Cc: NUL, ESC,
 * DEL, C1) and strips the ends, so a decoded {@code "Hello\r\nBcc: v@x"} subject cannot become a second
 * line, header or terminal escape in whatever the main app writes it to. {@link #fileName} gives a name
 * that is safe to use as a file name on its own: the last path segment only (after '/' or '\'), without
 * control or bidirectional-formatting characters (U+202E would show "exe.txt" as "txt.exe"), with ':'
 * (drive letters, NTFS streams) made '_', at most {@value #MAX_FILE_NAME} characters keeping a short
 * extension, and never empty, "." or "..": those become {@code "attachment"}.
 *
 * <p>STANDARDS: Unicode general categories Cc, Zl, Zp; UAX #9 (bidirectional formatting characters).
 *
 * <p>THREAD-SAFETY: stateless.
 */
final class SafeText {

  static final String FALLBACK_FILE_NAME = "attachment";
  static final int MAX_FILE_NAME = 255;

  private SafeText() {}

  /** {@code text} on one line without control characters; null stays null. */
  static String singleLine(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(text.length());
    boolean inBreak = false;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (isBreak(c)) {
        if (!inBreak) {
          out.append(' ');
        }
        inBreak = true;
        continue;
      }
      inBreak = false;
      if (Character.getType(c) != Character.CONTROL) {
        out.appendCodePoint(c);
      }
    }
    return out.toString().strip();
  }

  /** A safe file name for an attachment called {@code original} (null: the part had none). */
  static String fileName(String original) {
    if (original == null) {
      return FALLBACK_FILE_NAME;
    }
    String base = original.substring(Math.max(original.lastIndexOf('/'), original.lastIndexOf('\\')) + 1);
    String line = singleLine(base);
    StringBuilder out = new StringBuilder(line.length());
    for (int i = 0; i < line.length(); ) {
      int c = line.codePointAt(i);
      i += Character.charCount(c);
      if (c == ':') {
        out.append('_');
      } else if (!isBidiFormatting(c)) {
        out.appendCodePoint(c);
      }
    }
    String name = out.toString().strip();
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      return FALLBACK_FILE_NAME;
    }
    return name.length() <= MAX_FILE_NAME ? name : shortened(name);
  }

  private static String shortened(String name) {
    int dot = name.lastIndexOf('.');
    String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
    int keep = MAX_FILE_NAME - extension.length();
    if (Character.isHighSurrogate(name.charAt(keep - 1))) {
      keep--;
    }
    return name.substring(0, keep) + extension;
  }

  private static boolean isBreak(int c) {
    return c == '\r' || c == '\n' || c == '\t' || c == 0x0B || c == 0x0C || c == 0x85
        || c == 0x2028 || c == 0x2029;
  }

  /** The explicit directional marks, embeddings, overrides and isolates of UAX #9. */
  private static boolean isBidiFormatting(int c) {
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
  }
}
