package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.deliver;
import static dev.replyd.processor.Fixtures.fixture;
import static dev.replyd.processor.Fixtures.replyAddress;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import dev.replyd.testing.RecordingMainApp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the processor answers the main app's responses: success, retry with backoff, rejection. */
class CallbackRetryTest extends ProcessorHarness {

  @Test
  void serverErrorIsRetriedWithTheSameDeliveryIdAndFiledOnceAsSuccess() throws Exception {
    startAnswering(RecordingMainApp.Response.of(500));

    String name = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.SUCCESS);
    List<RecordingMainApp.Request> requests = receiver.requests();
    assertThat(requests).extracting(RecordingMainApp.Request::deliveryId).containsExactly(name, name);
    assertThat(requests).allMatch(RecordingMainApp.Request::signatureValid);
    assertThat(requests.get(0).json()).isEqualTo(requests.get(1).json());
    assertThat(maildir.deferred()).isEmpty();
    assertThat(isIn(MaildirLayout.FAILURE, name)).isFalse();
    assertThat(maildir.retryState(name)).as("retry state removed once filed").isEmpty();
  }

  @Test
  void tooManyRequestsWaitsAtLeastRetryAfter() throws Exception {
    startAnswering(new RecordingMainApp.Response(429, Map.of("Retry-After", "2"), "slow down"));

    String name = deliver(maildir, replyAddress(), fixture("plain.eml"));

    Await.until("deferred with a retry state", WAIT, () -> isIn(MaildirLayout.DEFERRED, name));
    JsonNode state = retryState(name);
    assertThat(state.get("attempts").asInt()).isEqualTo(1);
    assertThat(state.get("last_status").asInt()).isEqualTo(429);
    assertThat(Duration.between(Instant.parse(state.get("first_attempt_at").asText()),
        Instant.parse(state.get("next_attempt_at").asText()))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    awaitFiled(MaildirLayout.SUCCESS, name);
    List<RecordingMainApp.Request> requests = receiver.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).receivedNanos() - requests.get(0).receivedNanos())
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2).toNanos() - Duration.ofMillis(100).toNanos());
  }

  @Test
  void mainAppTooSlowToAnswerIsTimedOutAndRetried() throws Exception {
    receiver.respond(RecordingMainApp.Response.slow(200, 1500));
    start(Fixtures.settings(receiver.url(), s -> s.callbackTimeout = Duration.ofMillis(300)));

    String name = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.SUCCESS);
    assertThat(receiver.requests()).extracting(RecordingMainApp.Request::deliveryId).containsExactly(name, name);
  }

  @Test
  void aMainAppStalledInTheResponseBodyIsTimedOutWithinCallbackTimeoutAndDeferred() throws Exception {
    receiver.answerAlways(RecordingMainApp.Response.stalledInBody());
    start(Fixtures.settings(receiver.url(), s -> {
      s.threads = 1;
      s.callbackTimeout = Duration.ofMillis(500);
      s.maxAge = Duration.ofMinutes(5);
    }));

    String name = deliver(maildir, replyAddress(), fixture("plain.eml"));

    Await.until("deferred after a timed-out attempt", WAIT,
        () -> isIn(MaildirLayout.DEFERRED, name) && lastError(name).startsWith("HttpTimeoutException"));
    assertThat(lastError(name))
        .isEqualTo("HttpTimeoutException: no complete response within 500 ms (callback.timeout)");
    Await.until("the worker free for the next attempt", WAIT, () -> attempts(name) >= 2);
  }

  @Test
  void forbiddenIsFiledAtOnceAsCallbackRejectedWithStatusAndBodyExcerpt() throws Exception {
    startAnswering(new RecordingMainApp.Response(403, Map.of(), "{\"error\":\"thread 42 is locked\"}"));

    String name = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.FAILURE);
    assertThat(receiver.requests()).hasSize(1);
    JsonNode reason = reasonFile(name);
    assertThat(reason.get("reason").asText()).isEqualTo("callback_rejected");
    assertThat(reason.get("detail").asText())
        .isEqualTo("main app answered HTTP 403: {\"error\":\"thread 42 is locked\"}");
    assertThat(reason.get("attempts").asInt()).isEqualTo(1);
    assertThat(reason.at("/history/0/status").asInt()).isEqualTo(403);
    assertThat(reason.at("/history/0/body_excerpt").asText()).isEqualTo("{\"error\":\"thread 42 is locked\"}");
    assertThat(reason.get("message_id").asText()).isEqualTo("<plain-1@mail.example.org>");
  }

  @Test
  void responseBodyExcerptIsCappedAt512Bytes() throws Exception {
    startAnswering(new RecordingMainApp.Response(422, Map.of(), "x".repeat(5000)));

    String name = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.FAILURE);
    assertThat(reasonFile(name).at("/history/0/body_excerpt").asText()).hasSize(512);
  }

  @Test
  void retryableFailuresPastMaxAgeAreFiledAsRetriesExhausted() throws Exception {
    RecordingMainApp.Response unavailable = new RecordingMainApp.Response(503, Map.of(), "maintenance");
    for (int i = 0; i < 200; i++) {
      receiver.respond(unavailable);
    }
    // Long enough for a second attempt (50-200 ms backoff) even when the first one is slow on a busy machine.
    start(Fixtures.settings(receiver.url(), s -> s.maxAge = Duration.ofSeconds(2)));

    String name = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.FAILURE);
    JsonNode reason = reasonFile(name);
    assertThat(reason.get("reason").asText()).isEqualTo("retries_exhausted");
    int attempts = reason.get("attempts").asInt();
    assertThat(attempts).isGreaterThanOrEqualTo(2).isEqualTo(receiver.requests().size());
    assertThat(reason.get("detail").asText()).startsWith("still failing after " + attempts + " attempts since ")
        .endsWith("(last: HTTP 503): maintenance");
    Duration span = Duration.between(Instant.parse(reason.get("first_attempt_at").asText()),
        Instant.parse(reason.get("last_attempt_at").asText()));
    // Retried until max-age: the last attempt starts at the deadline or, on a busy machine, after it.
    assertThat(span).isGreaterThan(Duration.ofMillis(1500));
  }

  @Test
  void receiverDownThenProcessorRestartedThenReceiverUpDeliversOnceWithTheScheduleKept() throws Exception {
    int port = receiver.port();
    URI url = receiver.url();
    receiver.close(); // the main app is down: connection refused
    receiver = null;
    ProcessorSettings settings = Fixtures.settings(url, s -> s.maxAge = Duration.ofMinutes(5));
    Processor first = start(settings);
    String name = deliver(maildir, replyAddress(), fixture("plain.eml"));
    Await.until("two failed attempts", WAIT,
        () -> isIn(MaildirLayout.DEFERRED, name) && attempts(name) >= 2);

    first.stop(Duration.ofSeconds(5));
    Await.until("stopped processor leaves the message deferred", WAIT, () -> isIn(MaildirLayout.DEFERRED, name));
    JsonNode before = retryState(name);
    assertThat(before.get("last_error").asText()).startsWith("ConnectException");

    start(settings);
    Await.until("attempts continue after restart", WAIT, () -> attempts(name) > before.get("attempts").asInt());
    JsonNode after = retryState(name);
    assertThat(after.get("first_attempt_at").asText()).isEqualTo(before.get("first_attempt_at").asText());

    receiver = RecordingMainApp.startOn(Fixtures.CALLBACK_SECRET, port);
    awaitFiled(MaildirLayout.SUCCESS, name);
    assertThat(receiver.requests()).extracting(RecordingMainApp.Request::deliveryId).containsExactly(name);
    assertThat(receiver.requests().get(0).signatureValid()).isTrue();
  }

  @Test
  void restartDoesNotRetryBeforeThePersistedDueTime() throws Exception {
    receiver.respond(new RecordingMainApp.Response(503, Map.of("Retry-After", "3"), ""));
    ProcessorSettings settings = Fixtures.settings(receiver.url());
    Processor first = start(settings);
    String name = deliver(maildir, replyAddress(), fixture("plain.eml"));
    Await.until("deferred", WAIT, () -> isIn(MaildirLayout.DEFERRED, name) && attempts(name) == 1);
    Instant due = Instant.parse(retryState(name).get("next_attempt_at").asText());

    first.stop(Duration.ofSeconds(5));
    start(settings);

    awaitFiled(MaildirLayout.SUCCESS, name);
    List<RecordingMainApp.Request> requests = receiver.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).receivedEpochMs()).isGreaterThanOrEqualTo(due.toEpochMilli());
  }

  @Test
  void reloadedCallbackTargetAndSecretApplyToTheNextAttempt() throws Exception {
    byte[] newSecret = "rotated-callback-secret-0123456789".getBytes(StandardCharsets.US_ASCII);
    try (RecordingMainApp rotated = RecordingMainApp.start(newSecret)) {
      start(Fixtures.settings(receiver.url()));
      String first = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.SUCCESS);

      processor.reloadCallback(rotated.url(), newSecret);
      String second = deliverAndAwaitFiled(fixture("html-only.eml"), MaildirLayout.SUCCESS);
      assertThat(receiver.requests()).extracting(RecordingMainApp.Request::deliveryId).containsExactly(first);
      assertThat(rotated.requests()).extracting(RecordingMainApp.Request::deliveryId).containsExactly(second);
      assertThat(rotated.requests().get(0).signatureValid()).isTrue();
    }
  }

  private String lastError(String name) {
    try {
      if (maildir.retryState(name).isEmpty()) {
        return "";
      }
      JsonNode error = retryState(name).get("last_error");
      return error == null || error.isNull() ? "" : error.asText();
    } catch (java.io.IOException e) {
      return ""; // mid-write; the caller polls again
    }
  }

  private int attempts(String name) {
    try {
      return maildir.retryState(name).isPresent() ? retryState(name).get("attempts").asInt() : 0;
    } catch (java.io.IOException e) {
      return 0; // mid-write; the caller polls again
    }
  }
}
