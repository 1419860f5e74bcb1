package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.deliver;
import static dev.replyd.processor.Fixtures.fixture;
import static dev.replyd.processor.Fixtures.replyAddress;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.RecordingMainApp;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Header fields a sender controls, made to break whatever the main app does with the payload: line
 * breaks and escapes in single-line fields, paths in attachment names, several authors, a header
 * folded over hundreds of thousands of lines. Every payload is checked against the committed schema.
 */
class HostileHeadersTest extends ProcessorHarness {

  private static String b64(String text) {
    return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
  }

  /** A plain reply with {@code headers} in place of From and Subject, and {@code body} as its body. */
  private static String reply(String headers, String contentType, String body) {
    return headers
        + "Message-ID: <hostile-1@mail.example.org>\n"
        + "Date: Fri, 27 Nov 2026 10:00:00 +0000\n"
        + "MIME-Version: 1.0\n"
        + "Content-Type: " + contentType + "\n"
        + "\n"
        + body;
  }

  private JsonNode postedWithTheDefaults(String message) throws Exception {
    start(Fixtures.settings(receiver.url()));
    return postedAlone(message);
  }

  @Test
  void encodedLineBreaksNulAndEscapeNeverReachTheSingleLineFields() throws Exception {
    String message = reply(
        "From: " + b64("Eve\r\nBcc: victim@example.net") + " <eve@example.org>\n"
            + "Subject: " + b64("Hello\r\nBcc: v@x\u0000 and \u001b[31mred") + "\n"
            + "In-Reply-To: <issue-42@tracker.example.test>\u001b[2J\n"
            + "References: <ok@x> <bad\u001b[31m@x>\n",
        "text/plain; charset=UTF-8", "Fine by me.\n");

    JsonNode json = postedWithTheDefaults(message);

    assertThat(json.get("subject").asText()).isEqualTo("Hello Bcc: v@x and [31mred");
    assertThat(json.at("/from/name").asText()).isEqualTo("Eve Bcc: victim@example.net");
    assertThat(json.at("/from/address").asText()).isEqualTo("eve@example.org");
    assertThat(json.get("in_reply_to").asText()).isEqualTo("<issue-42@tracker.example.test>[2J");
    assertThat(json.get("references")).extracting(JsonNode::asText).containsExactly("<ok@x>");
  }

  @Test
  void attachmentsGetASafeNameAndKeepTheOriginalBesideIt() throws Exception {
    String[] names = {
        "../../../../etc/cron.d/evil",
        "/etc/passwd",
        "C:\\Windows\\System32\\evil.dll",
        "report\r\nX-Injected: 1.pdf",
        "invoice\u202Efdp.exe",
        "..",
        "\u0000\u001b",
    };
    StringBuilder body = new StringBuilder("--b\nContent-Type: text/plain; charset=UTF-8\n\nLogs attached.\n");
    for (String name : names) {
      body.append("--b\nContent-Type: application/octet-stream\n")
          .append("Content-Disposition: attachment; filename=\"").append(b64(name)).append("\"\n")
          .append("Content-Transfer-Encoding: base64\n\naGVsbG8=\n");
    }
    body.append("--b--\n");

    JsonNode json = postedWithTheDefaults(reply("From: Frank <frank@example.org>\nSubject: logs\n",
        "multipart/mixed; boundary=\"b\"", body.toString()));

    assertThat(json.get("attachments")).extracting(a -> a.get("name").asText()).containsExactly(
        "evil", "passwd", "evil.dll", "report X-Injected_ 1.pdf", "invoicefdp.exe", "attachment", "attachment");
    assertThat(json.get("attachments")).extracting(a -> a.get("original_name").asText())
        .containsExactly(names);
  }

  @Test
  void aMessageWithTwoFromFieldsNamesNoSingleAuthor() throws Exception {
    String message = reply("From: ceo@example.org\nfrom: x@attacker.example\nSubject: wire it\n",
        "text/plain; charset=UTF-8", "Please approve.\n");

    JsonNode json = postedWithTheDefaults(message);

    assertThat(json.at("/from/address").isNull()).isTrue();
    assertThat(json.at("/from/name").isNull()).isTrue();
    assertThat(json.at("/from/addresses")).extracting(JsonNode::asText)
        .containsExactly("ceo@example.org", "x@attacker.example");
  }

  @Test
  void anEncodedWordInPlaceOfTheAddressIsNotReportedAsTheAddress() throws Exception {
    String message = reply("From: " + b64("ceo@example.org") + "\nSubject: hi\n",
        "text/plain; charset=UTF-8", "Please approve.\n");

    JsonNode json = postedWithTheDefaults(message);

    assertThat(json.at("/from/address").isNull()).isTrue();
    assertThat(json.at("/from/addresses")).isEmpty();
  }

  @Test
  void aSubjectFoldedOverThreeHundredThousandLinesIsCutAndTheNextMessageStillFlows() throws Exception {
    start(Fixtures.settings(receiver.url(), d -> {
      d.threads = 1;
      d.maxMessageBytes = 8L << 20;
    }));
    StringBuilder folded = new StringBuilder("Subject: start\n");
    for (int i = 0; i < 300_000; i++) {
      folded.append(" folded-").append(i).append("\n");
    }
    StringBuilder references = new StringBuilder("References:");
    for (int i = 0; i < 100_000; i++) {
      references.append("\n <r").append(i).append("@x>");
    }
    String huge = reply("From: Mallory <mallory@example.org>\n" + folded + references + "\n",
        "text/plain; charset=UTF-8", "Still a reply.\n");
    assertThat(huge.length()).isGreaterThan(4_000_000);

    String hugeName = deliver(maildir, replyAddress(), huge);
    String normalName = deliver(maildir, replyAddress(), fixture("plain.eml"));

    awaitFiled(MaildirLayout.SUCCESS, hugeName);
    awaitFiled(MaildirLayout.SUCCESS, normalName);
    JsonNode first = receiver.requests().stream().map(RecordingMainApp.Request::json)
        .filter(json -> json.get("delivery_id").asText().equals(hugeName)).findFirst().orElseThrow();
    assertThat(PayloadSchema.violations(first)).isEmpty();
    assertThat(first.get("subject").asText()).startsWith("start folded-0 folded-1 ").hasSizeLessThan(100 * 1024);
    assertThat(first.get("references").size()).isBetween(1, 100 * 1024 / 8);
  }
}
