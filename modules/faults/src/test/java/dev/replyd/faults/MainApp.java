package dev.replyd.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.replyd.address.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * MainApp - the tracker's webhook endpoint as the fault tests need it: a real HTTP server on a fixed
 * loopback port that can answer 200, answer 503, or be down (connection refused) and come back on
 * the same port. It verifies every signature and records each signed POST.
 *
 * <p>Contract: {@link #posts} holds one entry per POST answered 200 (duplicates included: the
 * daemon is at-least-once); {@link #refusedWith503} counts the 503s. Unsigned or badly signed
 * requests get 401 and are counted in {@link #badSignatures}.
 *
 * <p>Thread-safety: mode changes and reads may come from any thread.
 */
final class MainApp implements AutoCloseable {
  static final String SECRET = "faults-test-callback-secret-0123";
  static final String PATH = "/hooks/replyd";

  enum Mode { ACCEPT, UNAVAILABLE }

  /** One signed request that reached the app: delivery id, when (System.nanoTime) and the status sent. */
  record Attempt(String deliveryId, long nanos, int status) {}

  /** One accepted POST: the delivery id header and the payload's thread id and Message-ID. */
  record Post(String deliveryId, long thread, String messageId, String text, JsonNode payload) {}

  final List<Post> posts = new CopyOnWriteArrayList<>();
  final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  final AtomicInteger refusedWith503 = new AtomicInteger();
  final AtomicInteger badSignatures = new AtomicInteger();
  private final ObjectMapper json = new ObjectMapper();
  private volatile Mode mode = Mode.ACCEPT;
  private HttpServer server;
  private ExecutorService threads;
  /** 0 until the first bind picked a free port; then the port every later {@link #up} reuses. */
  private int port;

  private MainApp() {}

  /** Starts on a free loopback port, answering 200. */
  static MainApp start() throws IOException {
    MainApp app = new MainApp();
    app.up();
    return app;
  }

  String url() {
    return "http://127.0.0.1:" + port() + PATH;
  }

  synchronized int port() {
    return port;
  }

  void mode(Mode next) {
    mode = next;
  }

  /** Closes the listening socket: from now on connections are refused. */
  synchronized void down() {
    if (server != null) {
      server.stop(0);
      threads.shutdownNow();
      server = null;
    }
  }

  /** Listens again on the same port. */
  synchronized void up() throws IOException {
    if (server != null) {
      return;
    }
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    threads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "main-app");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext(PATH, ex -> {
      try (ex; InputStream in = ex.getRequestBody()) {
        byte[] body = in.readAllBytes();
        boolean signed = WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8),
            ex.getRequestHeaders().getFirst("Replyd-Signature"), body, System.currentTimeMillis() / 1000, 300);
        if (!signed) {
          badSignatures.incrementAndGet();
          ex.sendResponseHeaders(401, -1);
          return;
        }
        String delivery = ex.getRequestHeaders().getFirst("Replyd-Delivery");
        if (mode == Mode.UNAVAILABLE) {
          attempts.add(new Attempt(delivery, System.nanoTime(), 503));
          refusedWith503.incrementAndGet();
          ex.getResponseHeaders().add("Retry-After", "1");
          ex.sendResponseHeaders(503, -1);
          return;
        }
        JsonNode payload = json.readTree(body);
        attempts.add(new Attempt(delivery, System.nanoTime(), 200));
        posts.add(new Post(delivery,
            payload.path("address").path("thread").asLong(-1), payload.path("message_id").asText(null),
            payload.path("reply").path("text").asText(""), payload));
        ex.sendResponseHeaders(200, -1);
      }
    });
    server.start();
    port = server.getAddress().getPort();
  }

  /** POSTs answered 200 per thread id (the load tests use one thread id per message). */
  Map<Long, Integer> postsPerThread() {
    Map<Long, Integer> counts = new ConcurrentHashMap<>();
    posts.forEach(p -> counts.merge(p.thread(), 1, Integer::sum));
    return counts;
  }

  @Override
  public synchronized void close() {
    down();
  }
}
