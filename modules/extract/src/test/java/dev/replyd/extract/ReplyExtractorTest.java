package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyExtractorTest {
  private static final ReplyExtractor DEFAULTS = new ReplyExtractor(ReplyExtractor.Settings.defaults());

  @Test
  void configuredMarkerLineCutsThereEvenWithoutAnyQuote() {
    ReplyExtractor extractor = new ReplyExtractor(new ReplyExtractor.Settings(
        List.of("##- Please type your reply above this line -##"), List.of(), Duration.ofMillis(200)));

    ReplyText result = extractor.extractPlain(
        "Fixed in 1.4.\n\n##- Please type your reply above this line -##\n\nYou are receiving this because…\n");

    assertThat(result.reply()).isEqualTo("Fixed in 1.4.");
    assertThat(result.removed()).containsExactly(new Removal("marker", 2, 6));
  }

  @Test
  void ownReplyAddressMakesAnUnknownLanguageAttributionLine() {
    String mail = "Tack!\n\nnotify@reply.tracker.example.com hat folgendes gemeldet:\n> Old text\n> more\n\nMore context below\n";
    ReplyExtractor extractor = new ReplyExtractor(new ReplyExtractor.Settings(
        List.of(), List.of("reply.tracker.example.com"), Duration.ofMillis(200)));

    assertThat(extractor.extractPlain(mail).reply()).isEqualTo("Tack!");
    assertThat(DEFAULTS.extractPlain(mail).reply()).contains("hat folgendes gemeldet");
  }

  @Test
  void removalsNameTheRuleAndTheOneBasedLinesOfTheFullText() {
    ReplyText result = DEFAULTS.extractPlain(
        "Sounds good.\r\n\r\nOn Mon, 3 Mar 2025 at 10:12, Ada <ada@example.org> wrote:\r\n> Ship it?\r\n");

    assertThat(result.full()).isEqualTo(
        "Sounds good.\n\nOn Mon, 3 Mar 2025 at 10:12, Ada <ada@example.org> wrote:\n> Ship it?\n");
    assertThat(result.reply()).isEqualTo("Sounds good.");
    assertThat(result.removed()).containsExactly(new Removal("attribution", 2, 3), new Removal("quote", 4, 5));
  }

  @Test
  void explainPrefixesEveryLineWithItsClassification() {
    ReplyText result = DEFAULTS.extractPlain("Done.\n\n-- \nAda\n");

    assertThat(result.explain()).isEqualTo(
        "keep        | Done.\n"
            + "signature   | \n"
            + "signature   | -- \n"
            + "signature   | Ada\n"
            + "signature   | \n");
  }

  @Test
  void htmlQuoteRemovalIsReportedAsHtmlQuote() {
    ReplyText result = DEFAULTS.extractHtml(
        "<div>Yes.</div><blockquote type=\"cite\"><div>Is it done?</div></blockquote>");

    assertThat(result.reply()).isEqualTo("Yes.");
    assertThat(result.removed()).extracting(Removal::rule).containsOnly("html-quote");
    assertThat(result.full()).contains("Is it done?");
  }

  @Test
  void extractPrefersThePlainBodyOverTheHtmlBody() {
    MessageBody body = MessageBody.ofText("plain words\n", "<p>html words</p>");

    assertThat(DEFAULTS.extract(body).reply()).isEqualTo("plain words");
  }

  @Test
  void blankPlainAlternativeFallsBackToTheHtmlBody() {
    MessageBody body = MessageBody.ofText(" \r\n", "<p>Real answer</p><blockquote type=\"cite\">old</blockquote>");

    assertThat(DEFAULTS.extract(body).reply()).isEqualTo("Real answer");
  }

  @Test
  void exhaustedBudgetReturnsTheFullTextFlagged() {
    ReplyExtractor hurried = new ReplyExtractor(
        new ReplyExtractor.Settings(List.of(), List.of(), Duration.ofNanos(1)));
    String mail = "Reply\n\nOn Mon, 3 Mar 2025 at 10:12, Ada <ada@example.org> wrote:\n> old\n".repeat(200);

    ReplyText result = hurried.extractPlain(mail);

    assertThat(result.budgetExceeded()).isTrue();
    assertThat(result.reply()).isEqualTo(ReplyExtractor.strip(mail.replace("\r\n", "\n")));
    assertThat(result.removed()).isEmpty();
  }

  @Test
  void quoteOnlyMailWithoutAttributionIsKeptAsWritten() {
    assertThat(DEFAULTS.extractPlain("> I agree with this part.\n").reply()).isEqualTo("> I agree with this part.");
  }

  @Test
  void forwardedChainWithoutNewTextIsEmpty() {
    String mail = "> On Mon, 3 Mar 2025 at 10:12, Ada <ada@example.org> wrote:\n>> old\n";

    assertThat(DEFAULTS.extractPlain(mail).reply()).isEmpty();
  }

  @Test
  void zeroBudgetIsRejectedWithTheExpectedValue() {
    assertThatThrownBy(() -> new ReplyExtractor.Settings(List.of(), List.of(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reply extraction budget: PT0S (expected: a positive duration, e.g. 200ms)");
  }
}
