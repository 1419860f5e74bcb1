package dev.replyd.processor;

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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on loopback playing the main app: it verifies every request's signature
 * with the shared secret, records each request (every attempt, not only successes), and answers
 * with scripted responses, then 200.
 */
final class CallbackReceiver implements AutoCloseable {

  record Response(int status, Map<String, String> headers, String body, long delayMs) {
    Response(int status, Map<String, String> headers, String body) {
      this(status, headers, body, 0);
    }

    static Response of(int status) {
      return new Response(status, Map.of(), "");
    }

    /** This response, sent only after {@code delayMs} (a main app too slow to answer). */
    static Response slow(int status, long delayMs) {
      return new Response(status, Map.of(), "", delayMs);
    }
  }

  record Request(
      String deliveryId, String signature, boolean signatureValid, String contentType, byte[] body, long receivedNanos,
      long receivedEpochMs, String protocol, String upgrade) {
    JsonNode json() {
      try {
        return new ObjectMapper().readTree(body);
      } catch (IOException e) {
        throw new AssertionError("callback body is not JSON: " + new String(body, StandardCharsets.UTF_8), e);
      }
    }
  }

  private final byte[] secret;
  private final HttpServer server;
  private final ExecutorService executor;
  private final ConcurrentLinkedQueue<Response> script = new ConcurrentLinkedQueue<>();
  private final List<Request> requests = new ArrayList<>();
  private volatile long delayMs;

  private CallbackReceiver(byte[] secret, int port) throws IOException {
    this.secret = secret.clone();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
    this.executor = Executors.newFixedThreadPool(8);
    server.setExecutor(executor);
    server.createContext("/hooks/replyd", this::handle);
    server.start();
  }

  static CallbackReceiver start(byte[] secret) throws IOException {
    return new CallbackReceiver(secret, 0);
  }

  /** A receiver on a given port, to bring "the main app" back where the processor expects it. */
  static CallbackReceiver startOn(byte[] secret, int port) throws IOException {
    return new CallbackReceiver(secret, port);
  }

  int port() {
    return server.getAddress().getPort();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port() + "/hooks/replyd");
  }

  /** The next requests get these responses, in order; later ones get 200. */
  CallbackReceiver respond(Response... responses) {
    script.addAll(List.of(responses));
    return this;
  }

  /** Forgets the scripted responses not used yet: from now on every request gets 200. */
  void answerOk() {
    script.clear();
  }

  /** Every request is answered after this delay (a slow main app). */
  void delay(long millis) {
    this.delayMs = millis;
  }

  List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
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
      Request request = new Request(
          exchange.getRequestHeaders().getFirst("Replyd-Delivery"),
          signature,
          valid,
          exchange.getRequestHeaders().getFirst("Content-Type"),
          body,
          nanos,
          System.currentTimeMillis(),
          exchange.getProtocol(),
          exchange.getRequestHeaders().getFirst("Upgrade"));
      synchronized (requests) {
        requests.add(request);
      }
      if (delayMs > 0) {
        Thread.sleep(delayMs);
      }
      Response response = valid ? script.poll() : new Response(401, Map.of(), "bad signature");
      if (response == null) {
        response = Response.of(200);
      }
      if (response.delayMs() > 0) {
        Thread.sleep(response.delayMs());
      }
      response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
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
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
