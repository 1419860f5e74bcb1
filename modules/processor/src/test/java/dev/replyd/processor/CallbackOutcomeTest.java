package dev.replyd.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The single retry decision, as a table of status, Retry-After and expected outcome. */
class CallbackOutcomeTest {

  private static final Instant NOW = Instant.parse("2026-11-28T00:00:00Z");

  @ParameterizedTest(name = "HTTP {0} -> {1}")
  @CsvSource({
      "200, DELIVERED", "202, DELIVERED", "204, DELIVERED",
      "408, RETRY", "429, RETRY", "500, RETRY", "502, RETRY", "503, RETRY", "599, RETRY",
      "400, REJECTED", "401, REJECTED", "403, REJECTED", "404, REJECTED", "410, REJECTED", "422, REJECTED",
      "301, REJECTED", "302, REJECTED", "101, REJECTED"})
  void statusIsClassified(int status, CallbackOutcome.Kind expected) {
    assertThat(CallbackOutcome.classify(status, Optional.empty(), NOW).kind()).isEqualTo(expected);
  }

  @Test
  void connectionErrorsAndTimeoutsAreRetried() {
    assertThat(CallbackOutcome.classify(new ConnectException("Connection refused")).kind())
        .isEqualTo(CallbackOutcome.Kind.RETRY);
    assertThat(CallbackOutcome.classify(new HttpTimeoutException("request timed out")).kind())
        .isEqualTo(CallbackOutcome.Kind.RETRY);
    assertThat(CallbackOutcome.classify(new IOException("connection reset")).kind())
        .isEqualTo(CallbackOutcome.Kind.RETRY);
  }

  @Test
  void retryAfterInSecondsIsHonoured() {
    assertThat(CallbackOutcome.classify(429, Optional.of(" 120 "), NOW).retryAfter()).contains(Duration.ofSeconds(120));
  }

  @Test
  void retryAfterAsHttpDateIsHonoured() {
    CallbackOutcome outcome = CallbackOutcome.classify(503, Optional.of("Sat, 28 Nov 2026 00:05:00 GMT"), NOW);
    assertThat(outcome.retryAfter()).contains(Duration.ofMinutes(5));
  }

  @Test
  void retryAfterThatIsGarbageOrInThePastIsIgnored() {
    assertThat(CallbackOutcome.classify(503, Optional.of("soon"), NOW).retryAfter()).isEmpty();
    assertThat(CallbackOutcome.classify(503, Optional.of("-5"), NOW).retryAfter()).isEmpty();
    assertThat(CallbackOutcome.classify(503, Optional.of("Fri, 27 Nov 2026 23:00:00 GMT"), NOW).retryAfter()).isEmpty();
  }

  @Test
  void retryAfterOnARejectionIsNotAReasonToRetry() {
    CallbackOutcome outcome = CallbackOutcome.classify(403, Optional.of("60"), NOW);
    assertThat(outcome.kind()).isEqualTo(CallbackOutcome.Kind.REJECTED);
    assertThat(outcome.retryAfter()).isEmpty();
  }

  @Test
  void aConnectionClosedOrResetBeforeAnyResponseIsRetriedAtOnce() {
    assertThat(CallbackOutcome.classify(new IOException("HTTP/1.1 header parser received no bytes")).retryAtOnce()).isTrue();
    assertThat(CallbackOutcome.classify(new java.net.SocketException("Connection reset")).retryAtOnce()).isTrue();
  }

  @Test
  void anUnreachableMainAppWaitsForTheBackoff() {
    assertThat(CallbackOutcome.classify(new java.net.ConnectException("Connection refused")).retryAtOnce()).isFalse();
    assertThat(CallbackOutcome.classify(new java.net.http.HttpConnectTimeoutException("connect timed out")).retryAtOnce())
        .isFalse();
    assertThat(CallbackOutcome.classify(new java.net.http.HttpTimeoutException("request timed out")).retryAtOnce())
        .isFalse();
    assertThat(CallbackOutcome.classify(new java.net.UnknownHostException("tracker.invalid")).retryAtOnce()).isFalse();
    assertThat(CallbackOutcome.classify(new javax.net.ssl.SSLHandshakeException("PKIX path building failed")).retryAtOnce())
        .isFalse();
    assertThat(CallbackOutcome.timedOut().retryAtOnce()).isFalse();
    assertThat(CallbackOutcome.classify(503, Optional.empty(), NOW).retryAtOnce()).isFalse();
  }
}
