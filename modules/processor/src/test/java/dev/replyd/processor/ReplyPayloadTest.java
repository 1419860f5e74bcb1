package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.fixture;
import static dev.replyd.processor.Fixtures.replyAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.replyd.maildir.MaildirLayout;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the main app receives for each kind of reply, checked against the committed schema. */
class ReplyPayloadTest extends ProcessorHarness {

  /** Starts with {@code settings}, delivers one fixture and returns the one payload posted for it. */
  private JsonNode posted(String fixture, ProcessorSettings settings) throws Exception {
    start(settings);
    return postedAlone(fixture(fixture));
  }

  private JsonNode posted(String fixture) throws Exception {
    return posted(fixture, Fixtures.settings(receiver.url()));
  }

  @Test
  void plainReplyIsPostedWithEnvelopeHeadersAndTheQuoteRemoved() throws Exception {
    JsonNode json = posted("plain.eml");

    assertThat(json.get("type").asText()).isEqualTo("reply");
    assertEnvelopeAndTokenOfTheFixtures(json, replyAddress());
    assertThat(json.at("/from/name").asText()).isEqualTo("Alice Example");
    assertThat(json.at("/from/address").asText()).isEqualTo("alice@example.org");
    assertThat(json.get("subject").asText()).isEqualTo("Re: [tracker] Issue #42: Crash on start");
    assertThat(json.get("message_id").asText()).isEqualTo("<plain-1@mail.example.org>");
    assertThat(json.get("in_reply_to").asText()).isEqualTo("<issue-42@tracker.example.test>");
    assertThat(json.get("references")).extracting(JsonNode::asText)
        .containsExactly("<issue-1@tracker.example.test>", "<issue-42@tracker.example.test>");
    assertThat(json.at("/reply/text").asText()).isEqualTo("Thanks, the patch fixes it for me.");
    assertThat(json.get("full_text").asText()).contains("Please try the attached patch.");
    assertThat(json.at("/reply/removed")).isNotEmpty();
    assertThat(json.get("html").isNull()).isTrue();
    assertThat(json.get("attachments")).isEmpty();
    assertThat(json.at("/flags/auto_reply").asBoolean()).isFalse();
  }

  @Test
  void htmlOnlyReplyIsPostedAsReadableTextWithLinksKept() throws Exception {
    JsonNode json = posted("html-only.eml");

    assertThat(json.at("/reply/text").asText())
        .contains("Looks good to me")
        .contains("https://docs.example.org/start")
        .doesNotContain("<b>");
    assertThat(json.get("html").asText()).contains("<b>good</b>");
    assertThat(json.at("/from/name").asText()).isEqualTo("Carol Example");
  }

  /** One row an encoded reply: what it shows, the fixture, its author's name, subject and reply text decoded. */
  static Stream<Arguments> encodedReplies() {
    return Stream.of(
        argumentSet("quoted-printable Latin-1 is decoded in the body and in the encoded words", "qp-latin1.eml",
            "Jürgen Müller", "Re: Grüße",
            "Grüße aus München, ça marche très bien avec cette version, et le correctif est parfait."),
        argumentSet("base64 UTF-8 is decoded in the body and in the encoded subject", "base64-utf8.eml",
            "Dmitri", "Re: Привет", "Привет! 日本語もOK: проблема решена."),
        argumentSet("format=flowed with delsp=yes is unwrapped", "flowed.eml", "Erin", "Re: flowed",
            "This is a long line that my client wrapped to fit, and it continues on the next line as one paragraph."));
  }

  @ParameterizedTest(name = "{argumentSetName}")
  @MethodSource("encodedReplies")
  void anEncodedReplyIsPostedDecoded(String fixture, String fromName, String subject, String text) throws Exception {
    JsonNode json = posted(fixture);

    assertThat(json.at("/from/name").asText()).isEqualTo(fromName);
    assertThat(json.get("subject").asText()).isEqualTo(subject);
    assertThat(json.at("/reply/text").asText()).isEqualTo(text);
  }

  @Test
  void shiftJisBodyWithoutACharsetLabelIsDetectedAndFlaggedAsACharsetFallback() throws Exception {
    // given: the plain reply, its body in Shift_JIS and its Content-Type without a charset
    String japanese = "お世話になっております。修正ありがとうございます。明日もう一度確認します。";
    String plain = Fixtures.fixture("plain.eml");
    int bodyStart = plain.indexOf("\n\n") + 2;
    String body = japanese + "\n\n" + plain.substring(plain.indexOf("On Thu", bodyStart));
    String message = plain.substring(0, bodyStart)
        .replace("Content-Type: text/plain; charset=UTF-8\n",
            "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n")
        + Base64.getMimeEncoder().encodeToString(
            body.replace("\n", "\r\n").getBytes(java.nio.charset.Charset.forName("Shift_JIS"))) + "\n";
    start(Fixtures.settings(receiver.url()));

    JsonNode json = postedAlone(message);

    assertThat(json.at("/reply/text").asText()).isEqualTo(japanese);
    assertThat(json.at("/flags/charset_fallback").asBoolean()).isTrue();
    assertThat(json.at("/flags/mime_repairs/0").asText()).isEqualTo("no charset label: detected Shift_JIS");
  }

  @Test
  void attachmentUnderTheLimitTravelsInThePayload() throws Exception {
    byte[] content = attachmentBytes();
    ProcessorSettings settings = Fixtures.settings(receiver.url()); // limit 1024 bytes

    JsonNode json = posted("attachment.eml", settings);

    assertThat(json.at("/reply/text").asText()).isEqualTo("Here is the crash dump you asked for.");
    JsonNode attachment = json.at("/attachments/0");
    assertThat(attachment.get("name").asText()).isEqualTo("crash.dump");
    assertThat(attachment.get("content_type").asText()).isEqualTo("application/octet-stream");
    assertThat(attachment.get("size").asLong()).isEqualTo(300);
    assertThat(attachment.get("sha256").asText()).isEqualTo(sha256(content));
    assertThat(attachment.get("content_omitted").asBoolean()).isFalse();
    assertThat(Base64.getDecoder().decode(attachment.get("content_base64").asText())).isEqualTo(content);
  }

  @Test
  void attachmentOverTheLimitTravelsAsMetadataOnlyWithAFlag() throws Exception {
    ProcessorSettings settings = Fixtures.settings(receiver.url(), s -> s.maxAttachmentBytes = 299);

    JsonNode json = posted("attachment.eml", settings);

    JsonNode attachment = json.at("/attachments/0");
    assertThat(attachment.get("size").asLong()).isEqualTo(300);
    assertThat(attachment.get("sha256").asText()).isEqualTo(sha256(attachmentBytes()));
    assertThat(attachment.get("content_omitted").asBoolean()).isTrue();
    assertThat(attachment.get("content_base64").isNull()).isTrue();
  }

  @Test
  void theSuccessFileIsTheMessageAsStored() throws Exception {
    start(Fixtures.settings(receiver.url()));
    String name = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.SUCCESS);

    assertThat(Files.readString(maildir.path(MaildirLayout.SUCCESS, name)))
        .startsWith("Return-Path: <alice@example.org>")
        .contains("Thanks, the patch fixes it for me.");
    assertThat(maildir.pending()).isEmpty();
    assertThat(maildir.deferred()).isEmpty();
  }

  /** The attachment of attachment.eml, as generated: byte i is (i * 37 + 11) mod 256. */
  private static byte[] attachmentBytes() {
    byte[] bytes = new byte[300];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) ((i * 37 + 11) % 256);
    }
    return bytes;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
