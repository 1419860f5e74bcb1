package dev.replyd.extract;

/**
 * One contiguous range of lines the extractor removed from the full text, and why.
 *
 * <p>Contract: {@code firstLine} and {@code lastLine} are 1-based, inclusive line numbers of
 * {@link ReplyText#full()}; {@code rule} is one of {@code quote}, {@code attribution},
 * {@code header-block}, {@code separator}, {@code signature}, {@code footer}, {@code marker},
 * {@code html-quote}. Ranges of one result never overlap and are in line order. The processor
 * copies them into the callback payload ({@code reply.removed}) so the main app can show the
 * trimmed content. Thread-safety: immutable.
 */
public record Removal(String rule, int firstLine, int lastLine) {
  public Removal {
    if (firstLine < 1 || lastLine < firstLine) {
      throw new IllegalArgumentException(
          "removal lines: " + firstLine + "-" + lastLine + " (expected: 1 <= firstLine <= lastLine)");
    }
  }
}
