package dev.replyd.processor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import javax.net.ssl.SSLException;

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
 *   <li>among those, a failure that happened after the connection was made and before any
 *       response (the server had closed it, or reset it: typically a pooled keep-alive connection
 *       it had already given up) is {@link #retryAtOnce()}: sent again at once on another
 *       connection before any backoff. Not so for connection refused, unknown host, no route,
 *       TLS failures and timeouts: those say the main app is unreachable, and trying again at
 *       once would only double the wait.
 * </ul>
 *
 * <p>THREAD-SAFETY: immutable.
 */
final class CallbackOutcome {

  enum Kind { DELIVERED, RETRY, REJECTED }

  private final Kind kind;
  private final Duration retryAfter;
  private final boolean retryAtOnce;

  private CallbackOutcome(Kind kind, Duration retryAfter) {
    this(kind, retryAfter, false);
  }

  private CallbackOutcome(Kind kind, Duration retryAfter, boolean retryAtOnce) {
    this.kind = kind;
    this.retryAfter = retryAfter;
    this.retryAtOnce = retryAtOnce;
  }

  static CallbackOutcome classify(HttpResponse<?> response, Instant now) {
    return classify(response.statusCode(), response.headers().firstValue("Retry-After"), now);
  }

  static CallbackOutcome classify(IOException failure) {
    boolean unreachable = failure instanceof ConnectException
        || failure instanceof UnknownHostException
        || failure instanceof NoRouteToHostException
        || failure instanceof HttpTimeoutException
        || failure instanceof SSLException;
    return new CallbackOutcome(Kind.RETRY, null, !unreachable);
  }

  /** No complete response within {@code callback.timeout}: retried after a backoff. */
  static CallbackOutcome timedOut() {
    return new CallbackOutcome(Kind.RETRY, null, false);
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

  /**
   * True when the attempt died on a connection the server had closed, before any response: the
   * post is sent again at once on a fresh connection, and backoff starts only if that fails too.
   */
  boolean retryAtOnce() {
    return retryAtOnce;
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
    if (retryAfter != null) {
      return kind + " (Retry-After " + retryAfter + ")";
    }
    return retryAtOnce ? kind + " (at once, on a fresh connection)" : kind.toString();
  }
}
