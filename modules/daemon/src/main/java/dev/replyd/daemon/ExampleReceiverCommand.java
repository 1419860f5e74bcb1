package dev.replyd.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.replyd.address.StandardWebhookSignature;
import dev.replyd.address.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replyd example-receiver}: a tiny stand-in for the main app. It verifies each callback's
 * {@code Replyd-Signature} (or, when the request carries {@code webhook-signature}, the Standard Webhooks headers)
 * and prints the reply it carries, so a newcomer can watch replies arrive.
 *
 * <p>Answers 200 to a correctly signed POST, 401 (and prints why) otherwise, 405 to other methods.
 * Runs until killed. Thread-safety: the JDK server runs handlers on one thread; printing is synchronised.
 */
@Command(name = "example-receiver", mixinStandardHelpOptions = true,
    description = "Run a demo webhook receiver that verifies signatures and prints each reply (secret from "
        + ConfigLoader.ENV_CALLBACK_SECRET + ").")
final class ExampleReceiverCommand implements Callable<Integer> {
  private static final long TOLERANCE_SECONDS = 300;

  @Spec CommandSpec spec;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8025",
      description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
  String listen;

  @Option(names = "--path", defaultValue = "/hooks/replyd", description = "Webhook path. Default: ${DEFAULT-VALUE}.")
  String path;

  private final ObjectMapper json = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    String secret = System.getenv(ConfigLoader.ENV_CALLBACK_SECRET);
    PrintWriter err = spec.commandLine().getErr();
    if (secret == null || secret.isEmpty()) {
      err.println("replyd: example-receiver needs the callback secret in " + ConfigLoader.ENV_CALLBACK_SECRET);
      return 1;
    }
    int colon = listen.lastIndexOf(':');
    if (colon < 0) {
      err.println("replyd: --listen " + listen + " (expected: HOST:PORT, e.g. 127.0.0.1:8025)");
      return 2;
    }
    InetSocketAddress address = new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
    HttpServer server;
    try {
      server = HttpServer.create(address, 50);
    } catch (IOException e) {
      err.println("replyd: example-receiver cannot listen on " + listen + ": " + e.getMessage());
      return 1;
    }
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    server.createContext(path, exchange -> handle(exchange, key));
    server.start();
    PrintWriter out = spec.commandLine().getOut();
    out.println("example receiver listening on http://" + listen + path);
    out.flush();
    new CountDownLatch(1).await();
    return 0;
  }

  private void handle(HttpExchange exchange, byte[] secret) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String signature = exchange.getRequestHeaders().getFirst("Replyd-Signature");
      String delivery = exchange.getRequestHeaders().getFirst("Replyd-Delivery");
      long now = System.currentTimeMillis() / 1000;
      String standard = exchange.getRequestHeaders().getFirst("webhook-signature");
      boolean verified = standard != null
          ? verifyStandardWebhook(exchange, secret, body, now)
          : signature != null && WebhookSignature.verify(secret, signature, body, now, TOLERANCE_SECONDS);
      if (!verified) {
        print("rejected " + delivery + ": bad or missing " + (standard != null ? "webhook-signature" : "Replyd-Signature")
            + " (is the secret the same on both sides?)");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      print(describe(delivery, body));
      exchange.sendResponseHeaders(200, -1);
    }
  }

  /** callback.signature = standard-webhooks: the secret maps to its key as replyd maps it. */
  private static boolean verifyStandardWebhook(HttpExchange exchange, byte[] secret, byte[] body, long now) {
    byte[] key;
    try {
      key = StandardWebhookSignature.key(new String(secret, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IllegalArgumentException badSecret) {
      return false;
    }
    var headers = exchange.getRequestHeaders();
    return StandardWebhookSignature.verify(key, headers.getFirst("webhook-id"), headers.getFirst("webhook-timestamp"),
        headers.getFirst("webhook-signature"), body, now, TOLERANCE_SECONDS);
  }

  private String describe(String delivery, byte[] body) {
    try {
      JsonNode p = json.readTree(body);
      if ("ping".equals(p.path("type").asText())) {
        return "ping " + delivery + " (signature ok)";
      }
      JsonNode from = p.path("from");
      JsonNode token = p.path("address");
      return "=== " + p.path("type").asText("reply") + " " + delivery + "\n"
          + "from:    " + from.path("name").asText("") + " <" + from.path("address").asText("") + ">\n"
          + "to:      " + token.path("kind").asText("?") + "#" + token.path("thread").asText("?")
          + " as user " + token.path("user").asText("?") + "\n"
          + "subject: " + p.path("subject").asText("") + "\n\n"
          + p.path("reply").path("text").asText(p.path("reply").asText("")) + "\n===";
    } catch (IOException e) {
      return "=== " + delivery + " (signature ok, body is not JSON: " + e.getMessage() + ")";
    }
  }

  private synchronized void print(String text) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(text);
    out.flush();
  }
}
