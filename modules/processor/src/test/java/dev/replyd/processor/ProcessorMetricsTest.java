package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.deliver;
import static dev.replyd.processor.Fixtures.fixture;
import static dev.replyd.processor.Fixtures.replyAddress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import dev.replyd.testing.RecordingMainApp;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The figures operators graph: outcomes by reason, callback status classes, retries, readiness. */
class ProcessorMetricsTest extends ProcessorHarness {

  @Test
  void aKnownMixOfMailIsCountedByOutcomeReasonAndStatusClass() throws Exception {
    startAnswering(RecordingMainApp.Response.of(500));

    String retried = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.SUCCESS);
    String report = deliverAndAwaitFiled(fixture("delivery-report.eml"), MaildirLayout.FAILURE);
    String empty = deliverAndAwaitFiled(fixture("empty-reply.eml"), MaildirLayout.FAILURE);
    // A message is counted (and timed) just after it is filed: wait for the four counts.
    Await.until("four outcomes counted", WAIT, () -> registry.find("replyd.processing.duration").timer().count() >= 4);

    assertThat(processed("deferred", "none")).isEqualTo(1);
    assertThat(processed("success", "none")).isEqualTo(1);
    assertThat(processed("failure", "auto_reply")).isEqualTo(1);
    assertThat(processed("failure", "empty_reply")).isEqualTo(1);
    assertThat(processed("failure", "invalid_token")).isZero();
    assertThat(callbacks("5xx")).isEqualTo(1);
    assertThat(callbacks("2xx")).isEqualTo(1);
    assertThat(registry.find("replyd.callback.retries.scheduled").counter().count()).isEqualTo(1);
    assertThat(registry.find("replyd.processing.duration").timer().count()).isEqualTo(4);
    assertThat(registry.find("replyd.callback.duration").timer().count()).isEqualTo(2);
    assertThat(processor.callbackProblem()).as("healthy again after the 200").isEmpty();
  }

  @Test
  void callbackProblemNamesTheFailureOnceThreeAttemptsInARowFailedUntilTheMainAppAnswersAgain() throws Exception {
    // 503 until the test says otherwise: retries come every 50-200 ms, and a single scripted 503
    // could already have been followed by a 200 when a slow machine gets to the assertion.
    for (int i = 0; i < 1000; i++) {
      receiver.respond(RecordingMainApp.Response.of(503));
    }
    start(Fixtures.settings(receiver.url()));

    String name = deliver(maildir, replyAddress(), fixture("plain.eml"));
    Await.until("three attempts", WAIT, () -> callbacks("5xx") >= 3);

    assertThat(processor.callbackProblem()).hasValueSatisfying(p -> assertThat(p).startsWith("callback failing since ")
        .contains(" attempts in a row without reaching the main app; last: HTTP 503)"));
    receiver.answerOk();
    awaitFiled(MaildirLayout.SUCCESS, name);
    assertThat(processor.callbackProblem()).isEmpty();
  }

  @Test
  void aMainAppRefusingOneReplyWith422LeavesReadinessAlone() throws Exception {
    startAnswering(new RecordingMainApp.Response(422, java.util.Map.of(), "{\"error\":\"thread locked\"}"));

    String name = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.FAILURE);

    assertThat(callbacks("4xx")).isEqualTo(1);
    assertThat(processor.callbackProblem()).isEmpty();
  }

  @Test
  void oneServerErrorIsNotYetAnOutage() throws Exception {
    receiver.respond(new RecordingMainApp.Response(503, java.util.Map.of("Retry-After", "30"), ""));
    start(Fixtures.settings(receiver.url(), s -> s.maxAge = Duration.ofMinutes(5)));

    String name = deliver(maildir, replyAddress(), fixture("plain.eml"));
    Await.until("deferred for 30 s after the 503", WAIT, () -> isIn(MaildirLayout.DEFERRED, name));

    assertThat(callbacks("5xx")).isEqualTo(1);
    assertThat(processor.callbackProblem()).isEmpty();
  }
}
