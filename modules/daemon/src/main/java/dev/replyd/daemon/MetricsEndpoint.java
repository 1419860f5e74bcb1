package dev.replyd.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The operators' HTTP endpoint: {@code /metrics} (Prometheus text format), {@code /healthz} (the
 * process answers) and {@code /readyz} (every {@link HealthCheck} passes; else 503 naming the
 * failing checks).
 *
 * <p>Binds loopback by default ({@code metrics.bind}); it exposes no secrets and accepts no input.
 * With {@code console.enabled} the operator console is {@link #mount mounted} on the same listener
 * (it brings its own sign-in and CSRF checks).
 *
 * <p>Thread-safety: requests are served by a few daemon threads (a slow console action such as a
 * test email must not hold up a scrape); checks must be thread-safe.
 */
final class MetricsEndpoint implements AutoCloseable {
  private static final int THREADS = 4;
  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static MetricsEndpoint start(InetSocketAddress bind, PrometheusMeterRegistry registry, List<HealthCheck> checks)
      throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(bind, 16);
    } catch (BindException e) {
      throw new IOException("replyd.metrics: cannot listen on " + bind.getHostString() + ":" + bind.getPort()
          + ": " + e.getMessage() + " (is another replyd running? change replyd.metrics.port)", e);
    }
    ObjectMapper json = new ObjectMapper();
    server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext("/healthz", ex -> respond(ex, 200, "application/json", "{\"status\":\"ok\"}\n"));
    server.createContext("/readyz", ex -> {
      ObjectNode body = json.createObjectNode();
      ObjectNode failing = json.createObjectNode();
      for (HealthCheck check : checks) {
        check.problemOrFailure().ifPresent(p -> failing.put(check.name(), p));
      }
      body.put("status", failing.isEmpty() ? "ready" : "not ready");
      body.set("failing", failing);
      respond(ex, failing.isEmpty() ? 200 : 503, "application/json", json.writeValueAsString(body) + "\n");
    });
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, DaemonThreads.named("metrics-http"));
    server.setExecutor(executor);
    server.start();
    return new MetricsEndpoint(server, executor);
  }

  /** Serves {@code path} and everything below it with {@code handler} (the console). */
  void mount(String path, com.sun.net.httpserver.HttpHandler handler) {
    server.createContext(path, handler);
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
