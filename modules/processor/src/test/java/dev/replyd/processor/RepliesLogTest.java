package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.RecordingLog;
import dev.replyd.testing.RecordingMainApp;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code replies} log: one line per processing step, as operators of the classic setup expect. */
class RepliesLogTest extends ProcessorHarness {

  @RegisterExtension final RecordingLog replies = new RecordingLog("replies");

  @Test
  void successfulReplyLogsProcessingMatchedPostedAndMoving() throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.SUCCESS);
    processor.stop(java.time.Duration.ofSeconds(5));

    assertThat(replies.messages())
        .contains("processing <plain-1@mail.example.org>")
        .contains("matched " + maildir.path(MaildirLayout.CUR, name) + " (i thread 42 user 7)")
        .anyMatch(line -> line.matches("posted " + java.util.regex.Pattern.quote(name) + " -> HTTP 200 in \\d+ ms"))
        .contains("moving " + maildir.path(MaildirLayout.CUR, name) + " => " + maildir.path(MaildirLayout.SUCCESS, name));
  }

  @Test
  void failureLogsItsReasonAndTheCallbackSecretNeverAppears() throws Exception {
    receiver.respond(new RecordingMainApp.Response(500, Map.of(), ""),
        new RecordingMainApp.Response(403, Map.of(), "no"));
    start(Fixtures.settings(receiver.url()));

    String name = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.FAILURE);
    processor.stop(java.time.Duration.ofSeconds(5));

    assertThat(replies.messages()).contains(name + ": callback_rejected (main app answered HTTP 403: no)");
    String secret = new String(Fixtures.CALLBACK_SECRET, StandardCharsets.US_ASCII);
    assertThat(replies.messages()).isNotEmpty().noneMatch(line -> line.contains(secret));
    assertThat(replies.exceptions()).noneMatch(event -> event.contains(secret));
  }

  @Test
  void controlCharactersFromTheSenderOrTheMainAppNeverReachALogLineRaw() throws Exception {
    startAnswering(new RecordingMainApp.Response(403, Map.of(), "no\r\nprocessing <forged>\u001b[31m"));
    String message = fixture("plain.eml").replace("Message-ID: <plain-1@mail.example.org>",
        "Message-ID: <plain-1\u001b[31m\u009b2J@mail.example.org>");

    String name = deliverAndAwaitFiled(message, MaildirLayout.FAILURE);
    processor.stop(java.time.Duration.ofSeconds(5));

    assertThat(replies.messages()).isNotEmpty().noneMatch(line -> line.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)));
    assertThat(replies.messages()).anyMatch(line -> line.startsWith("processing <plain-1") && line.endsWith("@mail.example.org>"))
        .anyMatch(line -> line.startsWith(name + ": callback_rejected (main app answered HTTP 403: no\\x0d\\x0aprocessing <forged>"));
  }
}
