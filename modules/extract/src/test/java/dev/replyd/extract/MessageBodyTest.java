package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import jakarta.mail.Part;
import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

class MessageBodyTest {
  @TempDir Path dir;

  private static MessageBody parse(String message) throws UnparseableMessageException {
    return MessageBody.read(new ByteArrayInputStream(latin1(message)));
  }

  /** What a plain-text body reads as: its text, whether a charset fallback happened, the repairs noted. */
  record Read(String plain, boolean charsetFallback, List<String> repairs) {}

  /** One row a single-part text message: what it shows, the message as stored, what it reads as. */
  static Stream<Arguments> textBodies() {
    String japanese = "お世話になっております。修正ありがとうございます。明日もう一度確認します。";
    String shiftJisBase64 = Base64.getMimeEncoder().encodeToString(japanese.getBytes(Charset.forName("Shift_JIS")));
    return Stream.of(
        unflagged("quoted-printable ISO-8859-1 is decoded", "Schöne Grüße, softbreak\r\n",
            latin1("Subject: x\nMIME-Version: 1.0\nContent-Type: text/plain; charset=ISO-8859-1\n"
                + "Content-Transfer-Encoding: quoted-printable\n\nSch=F6ne Gr=FC=DFe, soft=\nbreak\n")),
        // "=G0" is no escape; the lenient session keeps it as written
        unflagged("broken quoted-printable is decoded as far as it goes", "Grüße =G0 50% soft\r\n",
            latin1("Subject: x\nContent-Type: text/plain; charset=iso-8859-1\n"
                + "Content-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe =G0 50% =\nsoft\n")),
        flagged("an unknown charset falls back to UTF-8 and is flagged", "naïve\r\n",
            utf8("Subject: x\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\nna\u00efve\r\n"),
            "unknown charset \"x-no-such-charset\": read as UTF-8 or ISO-8859-1"),
        flagged("an unknown charset with invalid UTF-8 falls back to Latin-1", "café\r\n",
            latin1("Subject: x\nContent-Type: text/plain; charset=x-no-such-charset\n\ncaf\u00e9\n"),
            "unknown charset \"x-no-such-charset\": read as UTF-8 or ISO-8859-1"),
        unflagged("format=flowed with delsp=yes is unwrapped and the signature separator is not flowed",
            "One paragraph.\n> Quoted line.\n-- \nSig\n",
            latin1("Subject: x\nContent-Type: text/plain; charset=us-ascii; format=flowed; delsp=yes\n\n"
                + "One  \nparagraph.\n>Quoted  \n>line.\n-- \nSig\n")),
        unflagged("format=flowed without delsp keeps the space and unstuffs", "One two\nFrom here\n",
            latin1("Subject: x\nContent-Type: text/plain; format=flowed\n\nOne \ntwo\n From here\n")),
        flagged("a UTF-8 label on Latin-1 bytes is read as windows-1252 and flagged", "Grüße aus Köln €\r\n",
            latin1("Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                + "Gr\u00fc\u00dfe aus K\u00f6ln \u0080\n"),
            "charset \"utf-8\" does not fit the bytes: read as windows-1252"),
        flagged("a Latin-1 label on UTF-8 bytes is read as UTF-8 and flagged", "Привет, Grüße\r\n",
            utf8("Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nПривет, Grüße\r\n"),
            "charset \"iso-8859-1\" does not fit the bytes: read as UTF-8"),
        unflagged("a well-formed message has no repairs", "Grüße\r\n",
            latin1("Subject: x\nContent-Type: text/plain; charset=iso-8859-1\n\nGr\u00fc\u00dfe\n")),
        flagged("an unlabelled base64 Shift_JIS body is detected, flagged and noted", japanese,
            latin1("Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" + shiftJisBase64 + "\n"),
            "no charset label: detected Shift_JIS"),
        unflagged("an unlabelled short Latin-1 body stays Latin-1 without repairs", "Merci, c'est corrigé.\r\n",
            latin1("Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\nMerci, c'est corrig\u00e9.\n")));
  }

  /** Read as labelled: no charset fallback, nothing repaired. */
  private static Arguments unflagged(String sentence, String plain, byte[] message) {
    return argumentSet(sentence, message, new Read(plain, false, List.of()));
  }

  /** Read after a charset fallback, with the repairs it notes. */
  private static Arguments flagged(String sentence, String plain, byte[] message, String... repairs) {
    return argumentSet(sentence, message, new Read(plain, true, List.of(repairs)));
  }

  @ParameterizedTest(name = "{argumentSetName}")
  @MethodSource("textBodies")
  void aTextBodyReadsAsItsSenderWroteIt(byte[] message, Read expected) throws Exception {
    MessageBody body = MessageBody.read(new ByteArrayInputStream(message));

    assertThat(new Read(body.plain().orElseThrow(), body.charsetFallback(), body.repairs())).isEqualTo(expected);
  }

  /** {@code message} with CRLF line ends, one byte a character (as most test messages are written). */
  private static byte[] latin1(String message) {
    return message.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] utf8(String message) {
    return message.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void base64Utf8IsDecoded() throws Exception {
    MessageBody body = parse("Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        + "0J/RgNC40LLQtdGCLCDkuJbnlYwh\n");

    assertThat(body.text()).isEqualTo("Привет, 世界!");
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

}
