package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Part;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageBodyTest {
  @TempDir Path dir;

  private static MessageBody parse(String message) throws UnparseableMessageException {
    return MessageBody.read(new ByteArrayInputStream(message.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void quotedPrintableIso88591IsDecoded() throws Exception {
    MessageBody body = parse("Subject: x\nMIME-Version: 1.0\nContent-Type: text/plain; charset=ISO-8859-1\n"
        + "Content-Transfer-Encoding: quoted-printable\n\nSch=F6ne Gr=FC=DFe, soft=\nbreak\n");

    assertThat(body.plain().orElseThrow()).isEqualTo("Schöne Grüße, softbreak\r\n");
    assertThat(body.charsetFallback()).isFalse();
  }

  @Test
  void base64Utf8IsDecoded() throws Exception {
    MessageBody body = parse("Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        + "0J/RgNC40LLQtdGCLCDkuJbnlYwh\n");

    assertThat(body.text()).isEqualTo("Привет, 世界!");
  }

  @Test
  void unknownCharsetFallsBackToUtf8AndIsFlagged() throws Exception {
    MessageBody body = MessageBody.read(new ByteArrayInputStream(
        ("Subject: x\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\nna\u00efve\r\n")
            .getBytes(StandardCharsets.UTF_8)));

    assertThat(body.plain().orElseThrow()).isEqualTo("naïve\r\n");
    assertThat(body.charsetFallback()).isTrue();
  }

  @Test
  void unknownCharsetWithInvalidUtf8FallsBackToLatin1() throws Exception {
    MessageBody body = parse("Subject: x\nContent-Type: text/plain; charset=x-no-such-charset\n\ncaf\u00e9\n");

    assertThat(body.plain().orElseThrow()).isEqualTo("café\r\n");
    assertThat(body.charsetFallback()).isTrue();
  }

  @Test
  void formatFlowedWithDelSpIsUnwrappedAndSignatureSeparatorIsNotFlowed() throws Exception {
    MessageBody body = parse("Subject: x\nContent-Type: text/plain; charset=us-ascii; format=flowed; delsp=yes\n\n"
        + "One  \nparagraph.\n>Quoted  \n>line.\n-- \nSig\n");

    assertThat(body.plain().orElseThrow()).isEqualTo("One paragraph.\n> Quoted line.\n-- \nSig\n");
  }

  @Test
  void formatFlowedWithoutDelSpKeepsTheSpaceAndUnstuffs() throws Exception {
    MessageBody body = parse("Subject: x\nContent-Type: text/plain; format=flowed\n\nOne \ntwo\n From here\n");

    assertThat(body.plain().orElseThrow()).isEqualTo("One two\nFrom here\n");
  }

  @Test
  void htmlOnlyMessageIsRenderedWithParagraphsListsAndLinks() throws Exception {
    MessageBody body = parse("Subject: x\nContent-Type: text/html; charset=utf-8\n\n"
        + "<html><head><style>p{}</style></head><body><p>Hello <b>there</b></p><ol><li>one</li><li>two</li></ol>"
        + "<p><a href=\"https://example.com/a\">docs</a> and <a href=\"https://example.com\">example.com</a></p></body></html>\n");

    assertThat(body.plain()).isEmpty();
    assertThat(body.html()).isPresent();
    assertThat(body.text()).isEqualTo("Hello there\n\n1. one\n2. two\n\ndocs (https://example.com/a) and example.com");
  }

  @Test
  void firstInlinePlainAndHtmlAreBodiesAndEveryOtherLeafIsAnAttachment() throws Exception {
    MessageBody body = parse("Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=outer\n\n"
        + "--outer\nContent-Type: multipart/alternative; boundary=inner\n\n"
        + "--inner\nContent-Type: text/plain\n\nplain body\n--inner\nContent-Type: text/html\n\n<p>html body</p>\n--inner--\n"
        + "--outer\nContent-Type: text/plain; name=notes.txt\nContent-Disposition: attachment; filename=notes.txt\n\nnotes\n"
        + "--outer\nContent-Type: image/png\n\niVBORw0KGgo=\n"
        + "--outer\nContent-Type: text/plain\n\nsecond inline text\n--outer--\n");

    assertThat(body.plain().orElseThrow()).isEqualTo("plain body");
    assertThat(body.html()).contains("<p>html body</p>");
    assertThat(body.text()).isEqualTo("plain body");
    assertThat(body.attachments()).hasSize(3);
    assertThat(body.attachments().get(0).getFileName()).isEqualTo("notes.txt");
    assertThat(body.attachments().get(1).isMimeType("image/png")).isTrue();
    assertThat(body.attachments().get(2).getDisposition()).isNotEqualTo(Part.ATTACHMENT);
  }

  @Test
  void messageFileIsReadFromDisk() throws Exception {
    Path file = dir.resolve("1700000000.M1P1Q1.host");
    Files.writeString(file, "Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nfrom a file\r\n");

    try (MessageBody body = MessageBody.read(file)) {
      assertThat(body.text()).isEqualTo("from a file\r\n");
    }
  }

  @Test
  void missingFileIsUnparseableAndTheMessageNamesThePath() {
    Path missing = dir.resolve("absent");

    assertThatThrownBy(() -> MessageBody.read(missing))
        .isInstanceOf(UnparseableMessageException.class)
        .hasMessage("read message " + missing + ": not a readable file (expected: an RFC 5322 message file)");
  }

  @Test
  void messageWithoutBodyPartsGivesEmptyText() throws Exception {
    MessageBody body = parse("Subject: x\nContent-Type: application/octet-stream\n\nAAAA\n");

    assertThat(body.text()).isEmpty();
    assertThat(body.attachments()).hasSize(1);
  }

  @Test
  void multipartAlternativeWithoutBoundaryLinesIsReadAsItsTextAndTheRepairIsNoted() throws Exception {
    // given: what a real phone client sent: multipart declared, no part in it
    MessageBody body = parse("Subject: Re: x\nMime-Version: 1.0\n"
        + "Content-Type: multipart/alternative; boundary=001a11c20edc15a39304e2432790\n\n"
        + "Dit is een antwoord.\n\nOp 18 juli 2013 10:23 schreef A het volgende:\n\nOrigineel.\n");

    // then
    assertThat(body.plain().orElseThrow()).startsWith("Dit is een antwoord.\r\n");
    assertThat(body.repairs()).containsExactly(
        "multipart/alternative without parts (Missing start boundary): its body read as text/plain");
  }

  @Test
  void multipartWithoutBoundaryHoldingHtmlIsReadAsHtml() throws Exception {
    MessageBody body = parse("Subject: x\nContent-Type: multipart/mixed; boundary=zz\n\n<html><body><p>Hello</p></body></html>\n");

    assertThat(body.html().orElseThrow()).contains("<p>Hello</p>");
    assertThat(body.plain()).isEmpty();
    assertThat(body.repairs()).containsExactly("multipart/mixed without parts (Missing start boundary): its body read as text/html");
  }

  @Test
  void multipartWithoutPartsAndWithoutTextIsUnparseable() {
    assertThatThrownBy(() -> parse("Subject: x\nContent-Type: multipart/alternative; boundary=zz\n\n\n"))
        .isInstanceOf(UnparseableMessageException.class)
        .hasMessage("read MIME structure of stream: multipart/alternative without parts (Missing start boundary): "
            + "no text in its body (no readable text in the message)");
  }

  @Test
  void brokenQuotedPrintableIsDecodedAsFarAsItGoes() throws Exception {
    // given: "=G0" is no escape; the lenient session keeps it as written
    MessageBody body = parse("Subject: x\nContent-Type: text/plain; charset=iso-8859-1\n"
        + "Content-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe =G0 50% =\nsoft\n");

    assertThat(body.plain().orElseThrow()).isEqualTo("Grüße =G0 50% soft\r\n");
  }

  @Test
  void utf8LabelOnLatin1BytesIsReadAsWindows1252AndFlagged() throws Exception {
    MessageBody body = parse("Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        + "Gr\u00fc\u00dfe aus K\u00f6ln \u0080\n");

    assertThat(body.plain().orElseThrow()).isEqualTo("Grüße aus Köln €\r\n");
    assertThat(body.charsetFallback()).isTrue();
    assertThat(body.repairs()).containsExactly("charset \"utf-8\" does not fit the bytes: read as windows-1252");
  }

  @Test
  void latin1LabelOnUtf8BytesIsReadAsUtf8AndFlagged() throws Exception {
    MessageBody body = MessageBody.read(new ByteArrayInputStream(
        "Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nПривет, Grüße\r\n".getBytes(StandardCharsets.UTF_8)));

    assertThat(body.plain().orElseThrow()).isEqualTo("Привет, Grüße\r\n");
    assertThat(body.charsetFallback()).isTrue();
  }

  @Test
  void wellFormedMessageHasNoRepairs() throws Exception {
    MessageBody body = parse("Subject: x\nContent-Type: text/plain; charset=iso-8859-1\n\nGr\u00fc\u00dfe\n");

    assertThat(body.plain().orElseThrow()).isEqualTo("Grüße\r\n");
    assertThat(body.repairs()).isEmpty();
    assertThat(body.charsetFallback()).isFalse();
  }

  @Test
  void unlabelledBase64ShiftJisBodyIsDetectedFlaggedAndNoted() throws Exception {
    // given: a Shift_JIS body with no charset parameter at all
    String japanese = "お世話になっております。修正ありがとうございます。明日もう一度確認します。";
    String base64 = java.util.Base64.getMimeEncoder().encodeToString(japanese.getBytes(java.nio.charset.Charset.forName("Shift_JIS")));

    MessageBody body = parse("Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" + base64 + "\n");

    assertThat(body.plain().orElseThrow()).isEqualTo(japanese);
    assertThat(body.charsetFallback()).isTrue();
    assertThat(body.repairs()).containsExactly("no charset label: detected Shift_JIS");
  }

  @Test
  void unlabelledShortLatin1BodyStaysLatin1WithoutRepairs() throws Exception {
    MessageBody body = parse("Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\nMerci, c'est corrig\u00e9.\n");

    assertThat(body.plain().orElseThrow()).isEqualTo("Merci, c'est corrigé.\r\n");
    assertThat(body.charsetFallback()).isFalse();
    assertThat(body.repairs()).isEmpty();
  }
}
