package dev.replyd.diagnostics;

import com.sun.net.httpserver.HttpServer;
import dev.replyd.address.WebhookSignature;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The main app's hook in miniature: a JDK HttpServer on loopback that verifies {@code Replyd-Signature} with its
 * own secret (300 s tolerance), answers 204 when it verifies and 401 when it does not, and records each request.
 *
 * <p>Thread-safety: the server's single thread writes {@link #requests()}; the test thread reads it.
 */
final class PingReceiver implements AutoCloseable {

    record Received(String delivery, String signature, String body, boolean verified) {
    }

    private final HttpServer server;
    private final List<Received> requests = new CopyOnWriteArrayList<>();

    PingReceiver(byte[] secret) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hooks/replyd", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String signature = exchange.getRequestHeaders().getFirst("Replyd-Signature");
            boolean verified = WebhookSignature.verify(secret, signature, body, Instant.now().getEpochSecond(), 300);
            requests.add(new Received(exchange.getRequestHeaders().getFirst("Replyd-Delivery"), signature,
                    new String(body, StandardCharsets.UTF_8), verified));
            byte[] answer = (verified ? "" : "{\"error\":\"bad signature\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(verified ? 204 : 401, verified ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/replyd");
    }

    List<Received> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
