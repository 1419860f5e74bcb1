package dev.replyd.extract;

/**
 * Unwraps {@code format=flowed} text (RFC 3676) into one line per paragraph.
 *
 * <p>Contract: a line ending in a space (after space-unstuffing) is soft-broken and joins the
 * next line of the same quote depth; with {@code DelSp=yes} that trailing space is deleted
 * (section 4.2). The signature separator {@code "-- "} is never flowed (section 4.3). Quote
 * depth is kept and written back as {@code ">"} repeated, then one space. Pure function.
 *
 * <p>Standards: RFC 3676 sections 4.1–4.5. Thread-safety: stateless.
 */
final class FlowedText {
  private FlowedText() {}

  static String unwrap(String text, boolean delSp) {
    String[] lines = text.replace("\r\n", "\n").split("\n", -1);
    StringBuilder out = new StringBuilder(text.length());
    StringBuilder paragraph = new StringBuilder();
    int paragraphDepth = -1;
    for (String raw : lines) {
      int depth = 0;
      while (depth < raw.length() && raw.charAt(depth) == '>') {
        depth++;
      }
      String content = raw.substring(depth);
      if (content.startsWith(" ")) {
        content = content.substring(1); // space-stuffing, section 4.4
      }
      if (paragraphDepth >= 0 && depth != paragraphDepth) {
        // a quote-depth change ends a flowed paragraph (section 4.5)
        endLine(out, paragraph, paragraphDepth);
        paragraphDepth = -1;
      }
      boolean flowed = content.endsWith(" ") && !content.equals("-- ");
      if (flowed && delSp) {
        content = content.substring(0, content.length() - 1);
      }
      paragraph.append(content);
      paragraphDepth = depth;
      if (!flowed) {
        endLine(out, paragraph, depth);
        paragraphDepth = -1;
      }
    }
    if (paragraphDepth >= 0) {
      endLine(out, paragraph, paragraphDepth);
    }
    if (out.length() > 0) {
      out.setLength(out.length() - 1); // split kept the final segment; do not add a newline
    }
    return out.toString();
  }

  private static void endLine(StringBuilder out, StringBuilder paragraph, int depth) {
    if (depth > 0) {
      out.append(">".repeat(depth)).append(' ');
    }
    out.append(paragraph).append('\n');
    paragraph.setLength(0);
  }
}
