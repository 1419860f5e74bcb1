package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attribution test's date scan must decide exactly as the regular expression it replaced,
 * which the attribution rules and the corpus figures were written against.
 */
class DateOrTimeScanTest {

  private static final Pattern REPLACED = Pattern.compile("\\d{1,2}[:.h]\\d{2}|\\d{4}|\\d{1,2}[./-]\\d{1,2}");

  @Property(tries = 5000)
  void agreesWithTheRegularExpression(
      @ForAll @StringLength(max = 16) @Chars({'0', '1', '9', ':', '.', 'h', '/', '-', ' ', 'x', '٣'}) String text) {
    assertThat(LineClassifier.hasDateOrTime(text)).as("'%s'", text).isEqualTo(REPLACED.matcher(text).find());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"On Tue, Mar 3, 2015 at 10:21 AM", "Le 12/03/15, Jean a écrit", "am 3.4. um 9h30 schrieb",
      "at 123:45"})
  void linesWithADateOrTimeAreFound(String line) {
    assertThat(LineClassifier.hasDateOrTime(line)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Alice wrote:", "version 1:2, item 3h, room 12-", "١٢:٣٠ Arabic-Indic digits are not \\d"})
  void linesWithoutADateOrTimeAreNot(String line) {
    assertThat(LineClassifier.hasDateOrTime(line)).isFalse();
  }
}
