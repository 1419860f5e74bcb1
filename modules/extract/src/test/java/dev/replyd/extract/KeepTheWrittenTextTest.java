package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Cuts need strong evidence; where there is none, the person's text stays. Each test is a
 * shape that once lost text, or a cut that must still happen next to it.
 */
class KeepTheWrittenTextTest {
  private static final ReplyExtractor EXTRACTOR = new ReplyExtractor(ReplyExtractor.Settings.defaults());

  @Test
  void phoneLineUnderTheSignOffIsNotPartOfTheAttributionBelow() {
    String mail = "Hej\n\nMvh,\nPerson A\n070-0000000\n\n\nons 4 dec. 2024 kl. 20:42 skrev Person B <b@example.com>:\n\n> Hej\n";

    ReplyText result = EXTRACTOR.extractPlain(mail);

    assertThat(result.reply()).isEqualTo("Hej\n\nMvh,\nPerson A\n070-0000000");
  }

  @Test
  void aTimeInTheLastSentenceDoesNotStartAnAttributionAcrossBlankLines() {
    String mail = "お世話になっております。\n\nそれでは 11:00 にお待ちしております。\n\n\n以上\n\n"
        + "2022年1月1日(金) 9:00 田中太郎 <taro@example.com>:\n> 織田様\n";

    assertThat(EXTRACTOR.extractPlain(mail).reply())
        .isEqualTo("お世話になっております。\n\nそれでは 11:00 にお待ちしております。\n\n\n以上");
  }

  @Test
  void keywordLinesAreTheReplyNotAHeaderBlock() {
    String mail = "Project: onlinestore\nStatus: Resolved\nAssigned to: John Smith\nDue date: 2010-12-31\n\nDone.\n\n"
        + "On Wed, 11 Oct at 1:05 PM, Jon Smith <jsmith@example.com> wrote:\n> old\n";

    assertThat(EXTRACTOR.extractPlain(mail).reply())
        .isEqualTo("Project: onlinestore\nStatus: Resolved\nAssigned to: John Smith\nDue date: 2010-12-31\n\nDone.");
  }

  @Test
  void versionLinesThatLookLikeHeaderFieldsStay() {
    String mail = "Upgrade path:\n\nFrom: 2.3.9\nTo: 2.4.1\nDate: tonight, 22:00 UTC\n\nMarta\n";

    assertThat(EXTRACTOR.extractPlain(mail).reply()).isEqualTo(mail.strip());
  }

  @Test
  void markdownRulesAndSetextUnderlinesAreText() {
    String mail = "Steps\n-----\n\n1. run export\n\n---\n\nResult\n======\n\nHTTP 504.\nAda\n";

    assertThat(EXTRACTOR.extractPlain(mail).reply()).isEqualTo(mail.strip());
  }

  @Test
  void signOffNameUnderARuleStaysButAListFooterUnderARuleGoes() {
    assertThat(EXTRACTOR.extractPlain("Fixed, thanks.\n\n______________\n\nAda Lovelace\nRelease manager\n").reply())
        .isEqualTo("Fixed, thanks.\n\n______________\n\nAda Lovelace\nRelease manager");
    assertThat(EXTRACTOR.extractPlain("Fixed, thanks.\n\n__\nusers mailing list\nhttps://lists.example.org/users\n").reply())
        .isEqualTo("Fixed, thanks.");
  }

  @Test
  void doubleDashWithNonBreakingSpaceIsASignatureDelimiter() {
    assertThat(EXTRACTOR.extractPlain("Hello.\n\n--\u00a0\nMr. Smith\nt: 6174821300\n").reply()).isEqualTo("Hello.");
  }

  @Test
  void bareDoubleDashBeforeASentenceIsADividerInTheText() {
    String mail = "Result: HTTP 504.\n\n--\nThis is not a signature, just a divider.\n\nThanks,\nOndřej\n";

    assertThat(EXTRACTOR.extractPlain(mail).reply()).isEqualTo(mail.strip());
  }

  @Test
  void mailThatStartsWithAnOriginalMessageSeparatorHasNoReply() {
    String mail = "-----Original Message-----\nFrom: bob@example.com\nSent: Today\nSubject: Awesome report.\n\nCheck out this report!\n";

    ReplyText result = EXTRACTOR.extractPlain(mail);

    assertThat(result.reply()).isEmpty();
    assertThat(result.removed()).extracting(Removal::rule).contains("separator");
  }

  @Test
  void removingAnAttributionBetweenParagraphsKeepsOneBlankLine() {
    String mail = "See below.\n\nOn Mon, 3 Mar 2025 at 10:12, Ada <ada@example.org> wrote:\n\n> Which database?\n\n"
        + "PostgreSQL 16.\n\n> Which version?\n\n2.4.1.\n";

    assertThat(EXTRACTOR.extractPlain(mail).reply())
        .isEqualTo("See below.\n\n> Which database?\n\nPostgreSQL 16.\n\n> Which version?\n\n2.4.1.");
  }

  @Test
  void gmailAndThunderbirdHtmlSignaturesAreRemovedAsSignatures() {
    ReplyText gmail = EXTRACTOR.extractHtml("<div dir=\"ltr\">Works now.</div><div class=\"gmail_signature\">Ada<br>CTO</div>");
    ReplyText thunderbird = EXTRACTOR.extractHtml(
        "<p>Works now.</p><pre class=\"moz-signature\" cols=\"72\">-- \nAda Lovelace\nRelease team</pre>");

    assertThat(gmail.reply()).isEqualTo("Works now.");
    assertThat(gmail.removed()).extracting(Removal::rule).containsExactly("signature");
    assertThat(thunderbird.reply()).isEqualTo("Works now.");
  }

  @Test
  void htmlSignatureThatHoldsEverythingIsKept() {
    assertThat(EXTRACTOR.extractHtml("<div class=\"gmail_signature\">Typed into the signature by mistake.</div>").reply())
        .isEqualTo("Typed into the signature by mistake.");
  }

  @Test
  void preformattedProseIsNotFencedButCodeIs() {
    assertThat(EXTRACTOR.extractHtml("<pre>Thanks for the fix.\nIt works on 2.4.1 now.</pre>").reply())
        .isEqualTo("Thanks for the fix.\nIt works on 2.4.1 now.");
    assertThat(EXTRACTOR.extractHtml("<pre>if (x) {\n  run();\n}</pre>").reply())
        .isEqualTo("```\nif (x) {\n  run();\n}\n```");
  }

  @Test
  void hebrewGmailAttributionWithDirectionMarksIsRemoved() {
    String mail = "תודה, עובד.\n\n\u202bבתאריך יום ב׳, 23 בנוב׳ 2026 ב-15:20 מאת Tracker <\u202c"
        + "reply@example.com\u202b>:\u202c\n\n> שאלה\n";

    assertThat(EXTRACTOR.extractPlain(mail).reply()).isEqualTo("תודה, עובד.");
  }
}
