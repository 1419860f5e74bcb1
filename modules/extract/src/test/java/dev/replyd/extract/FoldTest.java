package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * Folding lowers ASCII letters itself and leaves the rest to {@code String.toLowerCase}: the
 * result must be exactly what folding then lowering the whole line gave, which every vocabulary
 * file and the corpus figures were written against.
 */
class FoldTest {

  private static final Pattern SPACE_RUNS = Pattern.compile("[\\p{javaWhitespace}\u00a0\u2007\u202f]+");

  /**
   * The definition as {@link Vocabulary#fold} documents it, one rule a step and lowering the
   * whole line at the end: written apart from the loop, so the two cannot share a mistake.
   */
  private static String foldThenLower(String text) {
    String composed = text.chars().anyMatch(c -> c >= '\u0300' && c <= '\u036f')
        ? Normalizer.normalize(text, Normalizer.Form.NFC) : text;
    StringBuilder visible = new StringBuilder();
    composed.chars().filter(c -> !Vocabulary.isInvisibleMark((char) c)).forEach(c -> visible.append((char) c));
    return SPACE_RUNS.matcher(visible).replaceAll(" ").strip()
        .replace('\u2019', '\'').replace('\u02bc', '\'')
        .toLowerCase(Locale.ROOT);
  }

  @Property(tries = 5000)
  void agreesWithFoldingThenLoweringTheWholeLine(
      @ForAll @StringLength(max = 24) @Chars({'A', 'Z', 'a', 'q', '0', ' ', '\t', ':', '\'', '\u00a0', '\u200e',
          '\u2019', '\u02bc', '\u00c9', '\u00e9', '\u0301', '\u03a3', '\u03c3', '\u0130', '\u0049', '\u00df',
          '\u0410', '\u4e2d'}) String text) {
    assertThat(Vocabulary.fold(text)).as("'%s'", text).isEqualTo(foldThenLower(text));
  }

  @Test
  void asciiLinesAreLoweredAndSpacedOnce() {
    assertThat(Vocabulary.fold("  Sent  from\tmy\u00a0IPHONE ")).isEqualTo("sent from my iphone");
  }

  @Test
  void otherScriptsFollowStringsRules() {
    // final sigma at a word's end; dotted capital I as i and a combining dot above
    assertThat(Vocabulary.fold("\u039f\u0394\u039f\u03a3 \u03a3")).isEqualTo("\u03bf\u03b4\u03bf\u03c2 \u03c3");
    assertThat(Vocabulary.fold("\u0130stanbul\u2019dan G\u00d6NDER\u0130LD\u0130"))
        .isEqualTo("i\u0307stanbul'dan g\u00f6nderi\u0307ldi\u0307");
  }
}
