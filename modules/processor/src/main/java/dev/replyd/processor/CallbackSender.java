package dev.replyd.processor;

import dev.replyd.address.ResponseExcerpt;
import dev.replyd.address.WebhookSignature;
import dev.replyd.address.WebhookSigner;
import dev.replyd.maildir.CallbackAttempt;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * CallbackSender - posts one signed webhook to the main app and reports what happened.
 *
 * <p>CONTRACT (ARCHITECTURE.md, contract 3): {@code POST <callback.url>} with
 * {@code Content-Type: application/json}, {@code Replyd-Delivery: <delivery id>} and
 * {@code Replyd-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>}, computed
 * by {@link WebhookSignature#header} afresh for every attempt, or the Standard Webhooks headers:
 * whichever {@link WebhookSigner} was configured makes them. The result is a {@link Sent}: the
 * {@link CallbackAttempt} records (the last one decides) and the last one's
 * {@link CallbackOutcome}. The URL and signer can be swapped at run time ({@link #retarget}); a
 * post uses the pair current when it starts.
 *
 * <p>PROTOCOL: HTTP/1.1 only, chosen explicitly ({@link HttpClient.Version#HTTP_1_1}): no
 * {@code h2c} upgrade attempt and no {@code h2} in the TLS handshake, so an HTTP/2-capable server
 * answers in HTTP/1.1 like any other. Connections are kept alive and
 * reused. A server that answers {@code HTTP/1.0} or {@code Connection: close}, or that closes idle
 * connections, leaves the client with pooled connections that may already be closed: a post sent
 * on one fails before any response byte arrives. Such a failure
 * ({@link CallbackOutcome#retryAtOnce()}) is retried at once, before any backoff, through
 * {@link #freshClient}, a second client used only for these retries, whose connections were opened
 * for an earlier retry and are reused only if the pool has not yet seen them closed; the
 * retry is sent at most {@link #STALE_RETRIES} times (the posts are idempotent per delivery id, so
 * a duplicate is harmless, cf. OkHttp's {@code RetryAndFollowUpInterceptor}).
 *
 * <p>TIME: one attempt (connect, send, response headers and the whole response body) must end
 * within {@code callback.timeout}; when it does not, the exchange is cancelled (its connection is
 * closed, never reused) and the attempt is a timeout. The body is read up to {@link #DRAIN_LIMIT}
 * bytes (after that the connection is closed instead of drained); only its first
 * {@link CallbackAttempt#EXCERPT_BYTES} are kept.
 *
 * <p>FAILURES: I/O errors and timeouts become a RETRY outcome, never an exception.
 * {@link InterruptedException} propagates (the exchange is cancelled): the processor is stopping
 * and the message stays claimed for recovery.
 *
 * <p>SECURITY: the secret is held only here and is never part of a log line, an exception
 * message or {@link #toString()}; the URL is shown only as {@link dev.replyd.address.LoggableUrl}.
 *
 * <p>THREAD-SAFETY: shared by all workers; the target is one volatile reference.
 */
final class CallbackSender implements AutoCloseable {

  /** Response bytes read at most, so a chatty main app cannot hold a worker. */
  static final int DRAIN_LIMIT = 64 * 1024;

  /** Immediate retries of a post that died on a connection the server had already closed. */
  static final int STALE_RETRIES = 2;

  /** Every attempt this post made, in order; the last one carries {@code outcome}. */
  record Sent(List<CallbackAttempt> attempts, CallbackOutcome outcome) {
    Sent {
      attempts = List.copyOf(attempts);
    }

    /** The attempt that decided the outcome. */
    CallbackAttempt attempt() {
      return attempts.get(attempts.size() - 1);
    }

    /** Attempts that failed on a stale connection and were retried at once. */
    int staleRetries() {
      return attempts.size() - 1;
    }
  }

  private record Target(URI url, WebhookSigner signer) {
    @Override
    public String toString() {
      return dev.replyd.address.LoggableUrl.of(url);
    }
  }

  private final ExecutorService httpExecutor;
  private final HttpClient client;
  private final HttpClient freshClient;
  private final Duration timeout;
  private final Clock clock;
  private volatile Target target;

  CallbackSender(URI url, WebhookSigner signer, Duration timeout, Clock clock) {
    this.httpExecutor = Executors.newCachedThreadPool(new NamedThreads("replyd-http", true));
    this.client = newClient(timeout, httpExecutor);
    this.freshClient = newClient(timeout, httpExecutor);
    this.timeout = timeout;
    this.clock = clock;
    this.target = new Target(url, signer);
  }

  private static HttpClient newClient(Duration timeout, ExecutorService executor) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor)
        .build();
  }

  void retarget(URI url, WebhookSigner signer) {
    target = new Target(url, signer);
  }

  URI url() {
    return target.url();
  }

  Sent post(String deliveryId, byte[] body) throws InterruptedException {
    Target current = target;
    List<CallbackAttempt> attempts = new ArrayList<>(1);
    HttpClient via = client;
    while (true) {
      Attempted attempted = attempt(via, current, deliveryId, body);
      attempts.add(attempted.record());
      if (!attempted.outcome().retryAtOnce() || attempts.size() > STALE_RETRIES) {
        return new Sent(attempts, attempted.outcome());
      }
      via = freshClient;
    }
  }

  private record Attempted(CallbackAttempt record, CallbackOutcome outcome) {}

  private Attempted attempt(HttpClient via, Target current, String deliveryId, byte[] body)
      throws InterruptedException {
    Instant start = clock.instant();
    long startNanos = System.nanoTime();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(current.url())
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "replyd");
    current.signer().headers(deliveryId, start.getEpochSecond(), body).forEach(builder::header);
    HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    ResponseExcerpt exchange = ResponseExcerpt.send(via, request, CallbackAttempt.EXCERPT_BYTES, DRAIN_LIMIT);
    try {
      HttpResponse<String> response = exchange.await(timeout);
      return new Attempted(
          new CallbackAttempt(start.toString(), elapsedMs(startNanos), response.statusCode(), null, response.body()),
          CallbackOutcome.classify(response, clock.instant()));
    } catch (TimeoutException late) {
      exchange.abandon();
      String error = "HttpTimeoutException: no complete response within " + timeout.toMillis()
          + " ms (callback.timeout)";
      return new Attempted(
          new CallbackAttempt(start.toString(), elapsedMs(startNanos), null, error, null),
          CallbackOutcome.timedOut());
    } catch (ExecutionException failed) {
      exchange.abandon();
      Throwable cause = failed.getCause();
      IOException failure = cause instanceof IOException io ? io : new IOException(cause);
      String error = failure.getClass().getSimpleName()
          + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
      return new Attempted(
          new CallbackAttempt(start.toString(), elapsedMs(startNanos), null, error, null),
          CallbackOutcome.classify(failure));
    } catch (InterruptedException stopping) {
      exchange.abandon();
      throw stopping;
    }
  }

  private static long elapsedMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  @Override
  public void close() {
    httpExecutor.shutdownNow();
  }

  @Override
  public String toString() {
    return "CallbackSender[" + target + "]";
  }
}
