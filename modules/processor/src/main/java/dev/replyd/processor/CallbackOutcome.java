package dev.replyd.processor;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * CallbackOutcome - what one callback attempt means for the message: delivered, retry later,
 * or rejected for good.
 *
 * <p>CONTRACT: {@link #classify(HttpResponse, Instant)} and {@link #classify(IOException)} are
 * the single place where the retry decision is made (cf. OkHttp's
 * {@code RetryAndFollowUpInterceptor.isRecoverable}):
 *
 * <ul>
 *   <li>2xx: {@link Kind#DELIVERED}.
 *   <li>408, 429 and 5xx: {@link Kind#RETRY}; a {@code Retry-After} header (delta seconds or an
 *       HTTP date, RFC 9110 section 10.2.3) becomes {@link #retryAfter()}.
 *   <li>every other status (1xx, 3xx, other 4xx): {@link Kind#REJECTED}. Redirects are not
 *       followed: a webhook URL that moved is a configuration error the operator must see.
 *   <li>any {@link IOException} (connection refused, reset, timeout, TLS): {@link Kind#RETRY};
 *       the main app being down or misconfigured for a while must not lose replies.
 * </ul>
 *
 * <p>THREAD-SAFETY: immutable.
 */
final class CallbackOutcome {

  enum Kind { DELIVERED, RETRY, REJECTED }

  private final Kind kind;
  private final Duration retryAfter;

  private CallbackOutcome(Kind kind, Duration retryAfter) {
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  static CallbackOutcome classify(HttpResponse<?> response, Instant now) {
    return classify(response.statusCode(), response.headers().firstValue("Retry-After"), now);
  }

  static CallbackOutcome classify(IOException failure) {
    return new CallbackOutcome(Kind.RETRY, null);
  }

  static CallbackOutcome classify(int status, Optional<String> retryAfterHeader, Instant now) {
    if (status >= 200 && status < 300) {
      return new CallbackOutcome(Kind.DELIVERED, null);
    }
    if (status == 408 || status == 429 || (status >= 500 && status < 600)) {
      return new CallbackOutcome(
          Kind.RETRY, retryAfterHeader.flatMap(value -> parseRetryAfter(value, now)).orElse(null));
    }
    return new CallbackOutcome(Kind.REJECTED, null);
  }

  Kind kind() {
    return kind;
  }

  /** The wait the main app asked for, if it sent a usable {@code Retry-After}. */
  Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** Delta seconds or an IMF-fixdate; anything else (or a date in the past) is ignored. */
  static Optional<Duration> parseRetryAfter(String value, Instant now) {
    String trimmed = value.trim();
    if (trimmed.matches("\\d{1,10}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(trimmed)));
    }
    try {
      Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return at.isAfter(now) ? Optional.of(Duration.between(now, at)) : Optional.empty();
    } catch (DateTimeParseException notADate) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return retryAfter == null ? kind.toString() : kind + " (Retry-After " + retryAfter + ")";
  }
}
