package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Junk and adversarial inputs (long runs of quote marks, decorations, colons, '@', dates,
 * attribution verbs; very long lines) always finish within the budget, and the reply is always
 * made of lines of the full text.
 */
class ExtractionBudgetTest {
  private static final Duration BUDGET = Duration.ofMillis(200);
  private static final ReplyExtractor EXTRACTOR =
      new ReplyExtractor(new ReplyExtractor.Settings(List.of("##- reply above -##"), List.of("reply.example.com"), BUDGET));

  @Provide
  Arbitrary<String> junk() {
    Arbitrary<String> pieces = Arbitraries.of(
        ">", ">>>>>>>>>>", " ", "\n", "\n\n", "-- ", "--", "____", "=====", "*", "On ", " wrote:", " schrieb:",
        "2025-03-04 10:00 GMT+01:00 ", "<a@b.example>", "@", "@@@@", ":", "From: x", "Sent from my iPhone",
        "-----Original Message-----", "```", "<", "mailto:", "\u00a0", "在", "写道：", "a", "1", ".", "...");
    return pieces.list().ofMaxSize(400).map(list -> String.join("", list));
  }

  @Property(tries = 200)
  void junkFinishesWithinBudgetAndKeepsOnlyLinesOfTheFullText(@ForAll("junk") String text) {
    ReplyText result = EXTRACTOR.extractPlain(text);

    // Whether the budget runs out depends on the machine (timing targets: scripts/bench); either way nothing is lost.
    assertThatNothingIsLostWhenTheBudgetRunsOut(result);
    List<String> fullLines = List.of(result.full().split("\n", -1));
    for (String line : result.reply().split("\n", -1)) {
      if (!line.isEmpty()) {
        assertThat(fullLines).contains(line);
      }
    }
  }

  @Property(tries = 20)
  void hugeRepetitiveInputsFinishWithinBudget(
      @ForAll("junk") String seed, @ForAll("sizes") int repeat) {
    String text = seed.isEmpty() ? ">".repeat(repeat) : seed.repeat(Math.max(1, repeat / Math.max(1, seed.length())));

    ReplyText result = EXTRACTOR.extractPlain(text);

    assertThatNothingIsLostWhenTheBudgetRunsOut(result);
    assertThat(result.full()).isNotNull();
  }

  @Provide
  Arbitrary<Integer> sizes() {
    return Arbitraries.integers().between(10_000, 400_000);
  }

  @Property(tries = 50)
  void junkHtmlFinishesWithinBudget(@ForAll("junk") String text) {
    String html = "<div>" + text.replace("\n", "<br>").replace(">", "<blockquote type=cite>") + "</div>";

    ReplyText result = EXTRACTOR.extractHtml(html);

    assertThatNothingIsLostWhenTheBudgetRunsOut(result);
  }

  /** Out of time, the extractor gives up cutting: the reply is the whole text, nothing is removed. */
  private static void assertThatNothingIsLostWhenTheBudgetRunsOut(ReplyText result) {
    if (result.budgetExceeded()) {
      assertThat(result.removed()).isEmpty();
      assertThat(result.full()).contains(result.reply());
    }
  }

  @Example
  void deeplyNestedHtmlIsRenderedWithoutExhaustingTheStack() {
    String html = "<div>".repeat(50_000) + "deep" + "</div>".repeat(50_000) + "<blockquote type=cite>old</blockquote>";

    ReplyText result = EXTRACTOR.extractHtml(html);

    assertThat(result.full()).contains("deep");
  }

  @Example
  void ruleLineOfAMillionUnderscoresIsRemovedAsTrailingSeparator() {
    String text = "Reply\n\n" + "_".repeat(1_000_000) + "\n";

    ReplyText result = EXTRACTOR.extractPlain(text);

    assertThat(result.budgetExceeded()).isFalse();
    assertThat(result.reply()).isEqualTo("Reply");
  }
}
