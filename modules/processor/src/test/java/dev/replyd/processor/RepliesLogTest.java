package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.deliver;
import static dev.replyd.processor.Fixtures.fixture;
import static dev.replyd.processor.Fixtures.replyAddress;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.replyd.maildir.MaildirLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The {@code replies} log: one line per processing step, as operators of the classic setup expect. */
class RepliesLogTest extends ProcessorHarness {

  private final Logger replies = (Logger) LoggerFactory.getLogger("replies");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void captureRepliesLog() {
    lines.start();
    replies.addAppender(lines);
  }

  @AfterEach
  void releaseRepliesLog() {
    replies.detachAppender(lines);
  }

  private List<String> logged() {
    synchronized (lines) {
      return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Test
  void successfulReplyLogsProcessingMatchedPostedAndMoving() throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = deliver(maildir, replyAddress(), fixture("plain.eml"));
    awaitFiled(MaildirLayout.SUCCESS, name);
    processor.stop(java.time.Duration.ofSeconds(5));

    assertThat(logged())
        .contains("processing <plain-1@mail.example.org>")
        .contains("matched " + maildir.path(MaildirLayout.CUR, name) + " (i thread 42 user 7)")
        .anyMatch(line -> line.matches("posted " + java.util.regex.Pattern.quote(name) + " -> HTTP 200 in \\d+ ms"))
        .contains("moving " + maildir.path(MaildirLayout.CUR, name) + " => " + maildir.path(MaildirLayout.SUCCESS, name));
  }

  @Test
  void failureLogsItsReasonAndTheCallbackSecretNeverAppears() throws Exception {
    receiver.respond(new CallbackReceiver.Response(500, Map.of(), ""),
        new CallbackReceiver.Response(403, Map.of(), "no"));
    start(Fixtures.settings(receiver.url()));

    String name = deliver(maildir, replyAddress(), fixture("plain.eml"));
    awaitFiled(MaildirLayout.FAILURE, name);
    processor.stop(java.time.Duration.ofSeconds(5));

    assertThat(logged()).contains(name + ": callback_rejected (main app answered HTTP 403: no)");
    String secret = new String(Fixtures.CALLBACK_SECRET, StandardCharsets.US_ASCII);
    assertThat(logged()).isNotEmpty().noneMatch(line -> line.contains(secret));
    assertThat(lines.list).noneMatch(event -> event.getThrowableProxy() != null
        && event.getThrowableProxy().getMessage() != null && event.getThrowableProxy().getMessage().contains(secret));
  }

  @Test
  void controlCharactersFromTheSenderOrTheMainAppNeverReachALogLineRaw() throws Exception {
    receiver.respond(new CallbackReceiver.Response(403, Map.of(), "no\r\nprocessing <forged>\u001b[31m"));
    start(Fixtures.settings(receiver.url()));
    String message = fixture("plain.eml").replace("Message-ID: <plain-1@mail.example.org>",
        "Message-ID: <plain-1\u001b[31m\u009b2J@mail.example.org>");

    String name = deliver(maildir, replyAddress(), message);
    awaitFiled(MaildirLayout.FAILURE, name);
    processor.stop(java.time.Duration.ofSeconds(5));

    assertThat(logged()).isNotEmpty().noneMatch(line -> line.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)));
    assertThat(logged()).anyMatch(line -> line.startsWith("processing <plain-1") && line.endsWith("@mail.example.org>"))
        .anyMatch(line -> line.startsWith(name + ": callback_rejected (main app answered HTTP 403: no\\x0d\\x0aprocessing <forged>"));
  }
}
