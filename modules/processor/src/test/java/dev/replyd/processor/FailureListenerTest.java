package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.deliver;
import static dev.replyd.processor.Fixtures.fixture;
import static dev.replyd.processor.Fixtures.replyAddress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.extract.ReplyExtractor;
import dev.replyd.maildir.FailureRecord;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import dev.replyd.testing.RecordingMainApp;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The failure listener: told once about each message filed as failure, with the reason file's record (what a notice needs). */
class FailureListenerTest extends ProcessorHarness {

  private final List<FailureRecord> told = new CopyOnWriteArrayList<>();

  private void start(ProcessorSettings settings, FailureListener listener) throws IOException {
    processor = Processor.start(settings, maildir, Fixtures.CODEC,
        new ReplyExtractor(ReplyExtractor.Settings.defaults()), registry, SenderChecks.none(), listener);
  }

  @Test
  void callbackRejectedReplyIsToldWithSenderMessageIdAndSubject() throws Exception {
    receiver.respond(new RecordingMainApp.Response(403, Map.of(), "thread is locked"));
    start(Fixtures.settings(receiver.url()), told::add);

    String name = deliver(maildir, "alice@example.org", replyAddress(), fixture("plain.eml"));
    awaitFiled(MaildirLayout.FAILURE, name);
    Await.until("the listener", WAIT, () -> !told.isEmpty());

    assertThat(told).singleElement().satisfies(failure -> {
      assertThat(failure.deliveryId()).isEqualTo(name);
      assertThat(failure.reason()).isEqualTo("callback_rejected");
      assertThat(failure.detail()).isEqualTo("main app answered HTTP 403: thread is locked");
      assertThat(failure.envelopeSender()).isEqualTo("alice@example.org");
      assertThat(failure.messageId()).isEqualTo("<plain-1@mail.example.org>");
      assertThat(failure.subject()).isEqualTo("Re: [tracker] Issue #42: Crash on start");
      assertThat(failure.attempts()).isEqualTo(1);
    });
    assertThat(told.get(0)).as("the listener is given what the reason file holds").isEqualTo(storedRecord(name));
  }

  @Test
  void tooLargeMessageIsToldWithTheSenderFromItsHeaderSectionAlone() throws Exception {
    start(Fixtures.settings(receiver.url(), d -> d.maxMessageBytes = 300), told::add);
    String big = fixture("plain.eml") + "x".repeat(2000) + "\n";

    String name = deliver(maildir, "bob@example.org", replyAddress(), big);
    awaitFiled(MaildirLayout.FAILURE, name);
    Await.until("the listener", WAIT, () -> !told.isEmpty());

    assertThat(told).singleElement().satisfies(failure -> {
      assertThat(failure.reason()).isEqualTo("too_large");
      assertThat(failure.envelopeSender()).isEqualTo("bob@example.org");
      assertThat(failure.messageId()).isEqualTo("<plain-1@mail.example.org>");
      assertThat(failure.subject()).isEqualTo("Re: [tracker] Issue #42: Crash on start");
    });
    assertThat(reasonFile(name).get("message_id").asText()).isEqualTo("<plain-1@mail.example.org>");
    assertThat(reasonFile(name).get("envelope_sender").asText()).isEqualTo("bob@example.org");
    assertThat(told.get(0)).isEqualTo(storedRecord(name));
  }

  @Test
  void nullSenderIsToldAsAnEmptyAddress() throws Exception {
    start(Fixtures.settings(receiver.url()), told::add);

    String name = deliver(maildir, "", replyAddress(), fixture("plain.eml"));
    awaitFiled(MaildirLayout.FAILURE, name);
    Await.until("the listener", WAIT, () -> !told.isEmpty());

    assertThat(told).singleElement().satisfies(failure -> {
      assertThat(failure.reason()).isEqualTo("auto_reply");
      assertThat(failure.envelopeSender()).isEmpty();
    });
  }

  private FailureRecord storedRecord(String name) throws IOException {
    return FailureRecord.fromJson(Files.readAllBytes(maildir.path(MaildirLayout.FAILURE, name + MaildirLayout.REASON_SUFFIX)));
  }

  @Test
  void postedReplyIsNeverTold() throws Exception {
    start(Fixtures.settings(receiver.url()), told::add);

    String name = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.SUCCESS);

    assertThat(told).isEmpty();
  }

  @Test
  void listenerThatThrowsLeavesTheMessageFiledAndTheWorkerWorking() throws Exception {
    receiver.respond(RecordingMainApp.Response.of(403), RecordingMainApp.Response.of(403));
    start(Fixtures.settings(receiver.url(), d -> d.threads = 1), failure -> {
      told.add(failure);
      throw new IllegalStateException("listener bug");
    });

    String first = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.FAILURE);
    String second = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.FAILURE);

    Await.until("the listener twice", WAIT, () -> told.size() == 2);
    assertThat(told).extracting(FailureRecord::deliveryId).containsExactly(first, second);
  }
}
