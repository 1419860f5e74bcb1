package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cuts need strong evidence; where there is none, the person's text stays. Each case is a
 * shape that once lost text, or a cut that must still happen next to it.
 */
class KeepTheWrittenTextTest {
  private static final ReplyExtractor EXTRACTOR = new ReplyExtractor(ReplyExtractor.Settings.defaults());

  /** One row a body: what it shows, the mail as sent (plain text or HTML), the reply extracted from it. */
  static Stream<Arguments> bodies() {
    return Stream.of(
        plain("a phone line under the sign-off is not part of the attribution below",
            "Hej\n\nMvh,\nPerson A\n070-0000000\n\n\nons 4 dec. 2024 kl. 20:42 skrev Person B <b@example.com>:\n\n> Hej\n",
            "Hej\n\nMvh,\nPerson A\n070-0000000"),
        plain("a time in the last sentence does not start an attribution across blank lines",
            "お世話になっております。\n\nそれでは 11:00 にお待ちしております。\n\n\n以上\n\n"
                + "2022年1月1日(金) 9:00 田中太郎 <taro@example.com>:\n> 織田様\n",
            "お世話になっております。\n\nそれでは 11:00 にお待ちしております。\n\n\n以上"),
        plain("keyword lines are the reply, not a header block",
            "Project: onlinestore\nStatus: Resolved\nAssigned to: John Smith\nDue date: 2010-12-31\n\nDone.\n\n"
                + "On Wed, 11 Oct at 1:05 PM, Jon Smith <jsmith@example.com> wrote:\n> old\n",
            "Project: onlinestore\nStatus: Resolved\nAssigned to: John Smith\nDue date: 2010-12-31\n\nDone."),
        asWritten("version lines that look like header fields stay",
            "Upgrade path:\n\nFrom: 2.3.9\nTo: 2.4.1\nDate: tonight, 22:00 UTC\n\nMarta\n"),
        asWritten("markdown rules and setext underlines are text",
            "Steps\n-----\n\n1. run export\n\n---\n\nResult\n======\n\nHTTP 504.\nAda\n"),
        plain("a sign-off name under a rule stays",
            "Fixed, thanks.\n\n______________\n\nAda Lovelace\nRelease manager\n",
            "Fixed, thanks.\n\n______________\n\nAda Lovelace\nRelease manager"),
        plain("a list footer under a rule goes",
            "Fixed, thanks.\n\n__\nusers mailing list\nhttps://lists.example.org/users\n", "Fixed, thanks."),
        plain("a double dash with a non-breaking space is a signature delimiter",
            "Hello.\n\n--\u00a0\nMr. Smith\nt: 6174821300\n", "Hello."),
        asWritten("a bare double dash before a sentence is a divider in the text",
            "Result: HTTP 504.\n\n--\nThis is not a signature, just a divider.\n\nThanks,\nOndřej\n"),
        plain("removing an attribution between paragraphs keeps one blank line",
            "See below.\n\nOn Mon, 3 Mar 2025 at 10:12, Ada <ada@example.org> wrote:\n\n> Which database?\n\n"
                + "PostgreSQL 16.\n\n> Which version?\n\n2.4.1.\n",
            "See below.\n\n> Which database?\n\nPostgreSQL 16.\n\n> Which version?\n\n2.4.1."),
        plain("a Hebrew Gmail attribution with direction marks is removed",
            "תודה, עובד.\n\n\u202bבתאריך יום ב׳, 23 בנוב׳ 2026 ב-15:20 מאת Tracker <\u202c"
                + "reply@example.com\u202b>:\u202c\n\n> שאלה\n",
            "תודה, עובד."),
        html("an HTML signature that holds everything is kept",
            "<div class=\"gmail_signature\">Typed into the signature by mistake.</div>",
            "Typed into the signature by mistake."),
        html("preformatted prose is not fenced",
            "<pre>Thanks for the fix.\nIt works on 2.4.1 now.</pre>", "Thanks for the fix.\nIt works on 2.4.1 now."),
        html("preformatted code is fenced",
            "<pre>if (x) {\n  run();\n}</pre>", "```\nif (x) {\n  run();\n}\n```"));
  }

  @ParameterizedTest(name = "{argumentSetName}")
  @MethodSource("bodies")
  void theReplyIsWhatThePersonWrote(MessageBody body, String reply) {
    assertThat(EXTRACTOR.extract(body).reply()).isEqualTo(reply);
  }

  private static Arguments plain(String sentence, String mail, String reply) {
    return argumentSet(sentence, MessageBody.ofText(mail, null), reply);
  }

  private static Arguments asWritten(String sentence, String mail) {
    return plain(sentence, mail, mail.strip());
  }

  private static Arguments html(String sentence, String html, String reply) {
    return argumentSet(sentence, MessageBody.ofText(null, html), reply);
  }

  @Test
  void mailThatStartsWithAnOriginalMessageSeparatorHasNoReply() {
    String mail = "-----Original Message-----\nFrom: bob@example.com\nSent: Today\nSubject: Awesome report.\n\nCheck out this report!\n";

    ReplyText result = EXTRACTOR.extractPlain(mail);

    assertThat(result.reply()).isEmpty();
    assertThat(result.removed()).extracting(Removal::rule).contains("separator");
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
}
