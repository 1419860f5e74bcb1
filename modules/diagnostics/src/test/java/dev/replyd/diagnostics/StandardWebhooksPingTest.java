package dev.replyd.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.replyd.address.StandardWebhookSignature;
import dev.replyd.address.WebhookSigner;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The diagnose ping is signed as the callbacks are: with {@code callback.signature = standard-webhooks}, so. */
class StandardWebhooksPingTest {

    @Test
    void pingSignedWithStandardWebhooksPassesAtAMainAppVerifyingThatScheme() throws Exception {
        byte[] key = "standard webhooks ping key 0123456789".getBytes(StandardCharsets.UTF_8);
        String whsec = StandardWebhookSignature.asWhsec(key);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hooks/replyd", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var h = exchange.getRequestHeaders();
            boolean verified = StandardWebhookSignature.verify(key, h.getFirst("webhook-id"), h.getFirst("webhook-timestamp"),
                    h.getFirst("webhook-signature"), body, Instant.now().getEpochSecond(), 300);
            exchange.sendResponseHeaders(verified ? 204 : 401, -1);
            exchange.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/replyd");
            WebhookSigner signer = WebhookSigner.of(WebhookSigner.Scheme.STANDARD_WEBHOOKS,
                    List.of(whsec.getBytes(StandardCharsets.UTF_8)));

            CallbackPing.Outcome outcome = CallbackPing.run(url, whsec.getBytes(StandardCharsets.UTF_8), signer,
                    Duration.ofSeconds(5), Clock.systemUTC());

            assertThat(outcome.check().status()).as(outcome.check().detail()).isEqualTo(Status.PASS);
        } finally {
            server.stop(0);
        }
    }
}
