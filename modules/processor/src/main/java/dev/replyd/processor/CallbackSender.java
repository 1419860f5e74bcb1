package dev.replyd.processor;

import dev.replyd.address.WebhookSignature;
import dev.replyd.address.WebhookSigner;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * CallbackSender - posts one signed webhook to the main app and reports what happened.
 *
 * <p>CONTRACT (ARCHITECTURE.md, contract 3): {@code POST <callback.url>} with
 * {@code Content-Type: application/json}, {@code Replyd-Delivery: <delivery id>} and
 * {@code Replyd-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>}, computed
 * by {@link WebhookSignature#header} afresh for every attempt, or the Standard Webhooks headers:
 * whichever {@link WebhookSigner} was configured makes them. The result is a
 * {@link Sent}: the {@link CallbackAttempt} record and its {@link CallbackOutcome}. The URL and
 * secret can be swapped at run time ({@link #retarget}); an attempt uses the pair current
 * when it starts.
 *
 * <p>One {@link HttpClient} serves every worker (HTTP/1.1 with keep-alive; the connect timeout
 * and the per-request timeout are both {@code callback.timeout}). The response body is read up
 * to {@link #DRAIN_LIMIT} so the connection can be reused; only its first
 * {@link CallbackAttempt#EXCERPT_BYTES} are kept.
 *
 * <p>FAILURES: I/O errors and timeouts become a RETRY outcome, never an exception.
 * {@link InterruptedException} propagates: the processor is stopping and the message stays
 * claimed for recovery.
 *
 * <p>SECURITY: the secret is held only here and is never part of a log line, an exception
 * message or {@link #toString()}.
 *
 * <p>THREAD-SAFETY: shared by all workers; the target is one volatile reference.
 */
final class CallbackSender implements AutoCloseable {

  /** Response bytes read at most, so a chatty main app cannot hold a worker. */
  static final int DRAIN_LIMIT = 64 * 1024;

  record Sent(CallbackAttempt attempt, CallbackOutcome outcome) {}

  private record Target(URI url, WebhookSigner signer) {
    @Override
    public String toString() {
      return url.toString();
    }
  }

  private final ExecutorService httpExecutor;
  private final HttpClient client;
  private final Duration timeout;
  private final Clock clock;
  private volatile Target target;

  CallbackSender(URI url, WebhookSigner signer, Duration timeout, Clock clock) {
    this.httpExecutor = Executors.newCachedThreadPool(new NamedThreads("replyd-http", true));
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(httpExecutor)
            .build();
    this.timeout = timeout;
    this.clock = clock;
    this.target = new Target(url, signer);
  }

  void retarget(URI url, WebhookSigner signer) {
    target = new Target(url, signer);
  }

  URI url() {
    return target.url();
  }

  Sent post(String deliveryId, byte[] body) throws InterruptedException {
    Target current = target;
    Instant start = clock.instant();
    long startNanos = System.nanoTime();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(current.url())
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "replyd");
    current.signer().headers(deliveryId, start.getEpochSecond(), body).forEach(builder::header);
    HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    try {
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      String excerpt = excerptAndDrain(response.body());
      long ms = elapsedMs(startNanos);
      return new Sent(
          new CallbackAttempt(start.toString(), ms, response.statusCode(), null, excerpt),
          CallbackOutcome.classify(response, clock.instant()));
    } catch (IOException failure) {
      String error = failure.getClass().getSimpleName()
          + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
      return new Sent(
          new CallbackAttempt(start.toString(), elapsedMs(startNanos), null, error, null),
          CallbackOutcome.classify(failure));
    }
  }

  private static String excerptAndDrain(InputStream body) throws IOException {
    try (body) {
      byte[] head = body.readNBytes(CallbackAttempt.EXCERPT_BYTES);
      long rest = CallbackAttempt.EXCERPT_BYTES;
      byte[] sink = new byte[8192];
      int n;
      while (rest < DRAIN_LIMIT && (n = body.read(sink)) > 0) {
        rest += n;
      }
      return new String(head, StandardCharsets.UTF_8);
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
