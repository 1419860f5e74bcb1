package dev.replyd.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.replyd.address.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * RecordingMainApp - the tracker's webhook endpoint as the tests need it: a real HTTP server on
 * loopback at {@code /hooks/replyd} that verifies every request's signature with the shared secret,
 * records each request (every attempt, not only successes, with the status it was answered) and
 * answers with scripted responses, then 200. It can also be down (connection refused) and come back
 * on the same port. The one recording main app of the project's tests.
 *
 * <p>Contract: unsigned or badly signed requests are answered 401 and recorded with
 * {@code signatureValid == false}; {@link #accepted()} holds one entry per request answered 2xx
 * (duplicates included: the daemon is at-least-once).
 *
 * <p>Thread-safety: scripting, mode changes and reads may come from any thread.
 */
public final class RecordingMainApp implements AutoCloseable {
  public static final String PATH = "/hooks/replyd";
  private static final Response BAD_SIGNATURE = new Response(401, Map.of(), "{\"error\":\"bad signature\"}");

  /**
   * A scripted answer: status, headers, body, how long to wait before sending it, and whether it
   * stalls in the body (see {@link #stalledInBody()}).
   */
  public record Response(int status, Map<String, String> headers, String body, long delayMs, boolean stallsInBody) {
    public Response(int status, Map<String, String> headers, String body) {
      this(status, headers, body, 0, false);
    }

    public Response(int status, Map<String, String> headers, String body, long delayMs) {
      this(status, headers, body, delayMs, false);
    }

    /**
     * 200 whose headers announce a body ten times as long as the 10 bytes that come; then nothing
     * more while the connection stays open (until the app is stopped): a main app, or a proxy,
     * stalled in the response body.
     */
    public static Response stalledInBody() {
      return new Response(200, Map.of("Content-Type", "text/plain"), "0123456789", 0, true);
    }

    public static Response of(int status) {
      return new Response(status, Map.of(), "");
    }

    /** This response, sent only after {@code delayMs} (a main app too slow to answer). */
    public static Response slow(int status, long delayMs) {
      return new Response(status, Map.of(), "", delayMs);
    }

    /** 503 with {@code Retry-After: 1}: a main app that is up but cannot take the post now. */
    public static Response unavailable() {
      return new Response(503, Map.of("Retry-After", "1"), "");
    }
  }

  /** One request as it arrived, and the status it was answered with. */
  public record Request(
      String deliveryId, String signature, boolean signatureValid, String contentType, byte[] body, long receivedNanos,
      long receivedEpochMs, String protocol, String upgrade, int status) {
    public JsonNode json() {
      try {
        return new ObjectMapper().readTree(body);
      } catch (IOException e) {
        throw new AssertionError("callback body is not JSON: " + new String(body, StandardCharsets.UTF_8), e);
      }
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The payload's {@code address.thread}, or -1 if it has none. */
    public long thread() {
      return json().path("address").path("thread").asLong(-1);
    }

    /** The text the person wrote ({@code reply.text}), or "" if there is none. */
    public String text() {
      return json().path("reply").path("text").asText("");
    }

    /** The payload's {@code message_key} (the same on every node for one message), or null if it has none. */
    public String messageKey() {
      return json().path("message_key").asText(null);
    }
  }

  private final byte[] secret;
  private final ConcurrentLinkedQueue<Response> script = new ConcurrentLinkedQueue<>();
  private final List<Request> requests = new ArrayList<>();
  private volatile long delayMs;
  /** While set, every signed request gets this answer (the script is not consumed). */
  private volatile Response always;
  private HttpServer server;
  private ExecutorService executor;
  /** The port of the first bind; every later {@link #up} listens there again. */
  private int port;

  private RecordingMainApp(byte[] secret, int port) throws IOException {
    this.secret = secret.clone();
    this.port = port;
    up();
  }

  /**
   * Starts on a free loopback port from {@link LoopbackPorts}, so that after {@link #down} no bind
   * to port 0 (a daemon the test restarts) can take it before {@link #up}.
   */
  public static RecordingMainApp start(byte[] secret) throws IOException {
    return new RecordingMainApp(secret, LoopbackPorts.free());
  }

  /** A main app on a given port, to bring "the main app" back where the daemon expects it. */
  public static RecordingMainApp startOn(byte[] secret, int port) throws IOException {
    return new RecordingMainApp(secret, port);
  }

  public synchronized int port() {
    return port;
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + port() + PATH);
  }

  /** The next requests get these responses, in order; later ones get 200. */
  public RecordingMainApp respond(Response... responses) {
    script.addAll(List.of(responses));
    return this;
  }

  /** Every signed request gets {@code response} until {@link #answerOk()}. */
  public RecordingMainApp answerAlways(Response response) {
    always = response;
    return this;
  }

  /** Forgets the scripted responses not used yet: from now on every request gets 200. */
  public void answerOk() {
    always = null;
    script.clear();
  }

  /** Every request is answered after this delay (a slow main app). */
  public void delay(long millis) {
    this.delayMs = millis;
  }

  /** Every request so far, in order of arrival. */
  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** The requests answered 2xx. */
  public List<Request> accepted() {
    return requests().stream().filter(r -> r.status() / 100 == 2).toList();
  }

  /** How many requests were answered {@code status}. */
  public long answeredWith(int status) {
    return requests().stream().filter(r -> r.status() == status).count();
  }

  /** Requests answered 2xx per payload thread id (load tests use one thread id per message). */
  public Map<Long, Integer> acceptedPerThread() {
    Map<Long, Integer> counts = new ConcurrentHashMap<>();
    accepted().forEach(r -> counts.merge(r.thread(), 1, Integer::sum));
    return counts;
  }

  /** Closes the listening socket: from now on connections are refused. */
  public synchronized void down() {
    if (server == null) {
      return;
    }
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server = null;
  }

  /** Listens again, on the same port. */
  public synchronized void up() throws IOException {
    if (server != null) {
      return;
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
    executor = Executors.newFixedThreadPool(8);
    server.setExecutor(executor);
    server.createContext(PATH, this::handle);
    server.start();
    port = server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      long nanos = System.nanoTime();
      String signature = exchange.getRequestHeaders().getFirst("Replyd-Signature");
      boolean valid = signature != null
          && WebhookSignature.verify(secret, signature, body, System.currentTimeMillis() / 1000, 300);
      Response fixed = always;
      Response response = !valid ? BAD_SIGNATURE : fixed != null ? fixed : script.poll();
      if (response == null) {
        response = Response.of(200);
      }
      Request request = new Request(
          exchange.getRequestHeaders().getFirst("Replyd-Delivery"),
          signature,
          valid,
          exchange.getRequestHeaders().getFirst("Content-Type"),
          body,
          nanos,
          System.currentTimeMillis(),
          exchange.getProtocol(),
          exchange.getRequestHeaders().getFirst("Upgrade"),
          response.status());
      synchronized (requests) {
        requests.add(request);
      }
      if (delayMs > 0) {
        Thread.sleep(delayMs);
      }
      if (response.delayMs() > 0) {
        Thread.sleep(response.delayMs());
      }
      response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
      if (response.stallsInBody()) {
        exchange.sendResponseHeaders(response.status(), out.length * 10L);
        exchange.getResponseBody().write(out);
        exchange.getResponseBody().flush();
        Thread.sleep(Long.MAX_VALUE); // until down() interrupts: the rest of the body never comes
      }
      exchange.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    down();
  }
}
