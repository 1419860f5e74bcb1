package dev.replyd.extract;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How an extracted reply is compared with an expected reply: the one normalisation shared by
 * the golden-file tests and {@code scripts/bench reply-corpus}.
 *
 * <p>Contract: {@link #normalise} turns CRLF into LF, strips trailing whitespace from each line
 * and drops leading and trailing blank lines; {@link #noWhitespace} removes all whitespace (for
 * HTML cases judged on which text is kept, not on its line layout). {@link #lostLines} lists the
 * non-blank expected lines the actual reply does not contain: the person's words the extractor
 * dropped, the worst kind of error, as opposed to a kept footer.
 *
 * <p>Thread-safety: stateless.
 */
public final class ReplyComparison {
  private ReplyComparison() {}

  /** True when the actual reply equals the expected one under the chosen normalisation. */
  public static boolean matches(String actual, String expected, boolean ignoreWhitespace) {
    return ignoreWhitespace ? noWhitespace(actual).equals(noWhitespace(expected))
        : normalise(actual).equals(normalise(expected));
  }

  public static String normalise(String text) {
    StringBuilder out = new StringBuilder();
    for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
      out.append(line.stripTrailing()).append('\n');
    }
    return ReplyExtractor.strip(out.toString());
  }

  public static String noWhitespace(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c) && c != '\u00a0') {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Expected non-blank lines missing from the actual reply: compared as whole lines (trailing
   * whitespace aside), or, when whitespace is ignored, as a whitespace-free substring of the
   * whitespace-free reply.
   */
  public static List<String> lostLines(String actual, String expected, boolean ignoreWhitespace) {
    List<String> lost = new ArrayList<>();
    String flat = noWhitespace(actual);
    Set<String> actualLines = new HashSet<>(List.of(normalise(actual).split("\n", -1)));
    for (String line : normalise(expected).split("\n", -1)) {
      if (line.isBlank()) {
        continue;
      }
      boolean present = ignoreWhitespace ? flat.contains(noWhitespace(line)) : actualLines.contains(line);
      if (!present) {
        lost.add(line);
      }
    }
    return lost;
  }
}
