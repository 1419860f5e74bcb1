package dev.replyd.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link StandardWebhookSignature} and {@link WebhookSigner} against the Standard Webhooks reference Java library
 * ({@code com.standardwebhooks:standardwebhooks}), which plays the main app, and the specification's published
 * example.
 */
class StandardWebhookSignatureTest {

    /**
     * The example of the Standard Webhooks reference libraries' tests and of Svix's documentation
     * (github.com/standard-webhooks/standard-webhooks, libraries/*: secret, msg_id, timestamp, payload and the
     * expected signature).
     */
    static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long SPEC_TIMESTAMP = 1614265330;
    static final String SPEC_PAYLOAD = "{\"test\": 2432232314}";
    static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static final byte[] BODY = "{\"type\":\"reply\",\"delivery_id\":\"d-1\"}".getBytes(StandardCharsets.UTF_8);

    private static Map<String, List<String>> headers(Map<String, String> sent) {
        java.util.HashMap<String, List<String>> map = new java.util.HashMap<>();
        sent.forEach((k, v) -> map.put(k, List.of(v)));
        return map;
    }

    @Test
    void signatureOfTheSpecificationExampleIsThePublishedOne() {
        String header = StandardWebhookSignature.header(List.of(StandardWebhookSignature.key(SPEC_SECRET)), SPEC_ID,
                SPEC_TIMESTAMP, SPEC_PAYLOAD.getBytes(StandardCharsets.UTF_8));

        assertThat(header).isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void referenceLibrarySignsTheSpecificationExampleAsReplydDoes() throws Exception {
        assertThat(new Webhook(SPEC_SECRET).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD)).isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void referenceVerifierAcceptsWhatAStandardWebhooksSignerSendsWithAWhsecSecret() {
        String whsec = StandardWebhookSignature.asWhsec("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        WebhookSigner signer = WebhookSigner.of(WebhookSigner.Scheme.STANDARD_WEBHOOKS,
                List.of(whsec.getBytes(StandardCharsets.UTF_8)));
        long now = System.currentTimeMillis() / 1000;

        Map<String, String> sent = signer.headers("1733450000.M1P2Q3.host", now, BODY);

        assertThat(sent).containsOnlyKeys("Replyd-Delivery", "webhook-id", "webhook-timestamp", "webhook-signature");
        assertThat(sent.get("webhook-id")).isEqualTo("1733450000.M1P2Q3.host");
        assertThat(sent.get("webhook-timestamp")).isEqualTo(Long.toString(now));
        assertThatCode(() -> new Webhook(whsec).verify(new String(BODY, StandardCharsets.UTF_8), headers(sent)))
                .doesNotThrowAnyException();
    }

    @Test
    void plainSecretIsUsedAsItsUtf8BytesWhichTheMainAppWritesAsWhsecBase64() {
        String configured = "main-app-shared-secret-0123456789";
        WebhookSigner signer = WebhookSigner.of(WebhookSigner.Scheme.STANDARD_WEBHOOKS,
                List.of(configured.getBytes(StandardCharsets.UTF_8)));
        Map<String, String> sent = signer.headers("d-2", System.currentTimeMillis() / 1000, BODY);
        String mainAppSecret = "whsec_" + Base64.getEncoder().encodeToString(configured.getBytes(StandardCharsets.UTF_8));

        assertThatCode(() -> new Webhook(mainAppSecret).verify(new String(BODY, StandardCharsets.UTF_8), headers(sent)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new Webhook(StandardWebhookSignature.asWhsec(
                "another-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8)))
                .verify(new String(BODY, StandardCharsets.UTF_8), headers(sent)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void duringRotationEverySecretSignsAndTheMainAppAcceptsWithEitherOne() {
        String newSecret = StandardWebhookSignature.asWhsec("new key 0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8));
        String oldSecret = StandardWebhookSignature.asWhsec("old key 0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8));
        WebhookSigner signer = WebhookSigner.of(WebhookSigner.Scheme.STANDARD_WEBHOOKS,
                List.of(newSecret.getBytes(StandardCharsets.UTF_8), oldSecret.getBytes(StandardCharsets.UTF_8)));

        Map<String, String> sent = signer.headers("d-3", System.currentTimeMillis() / 1000, BODY);

        assertThat(sent.get("webhook-signature")).matches("v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=");
        for (String secret : List.of(newSecret, oldSecret)) {
            assertThatCode(() -> new Webhook(secret).verify(new String(BODY, StandardCharsets.UTF_8), headers(sent)))
                    .as(secret).doesNotThrowAnyException();
        }
    }

    @Test
    void replydVerifierAcceptsWhatTheReferenceLibrarySigns() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String signature = new Webhook(SPEC_SECRET).sign("d-4", now, new String(BODY, StandardCharsets.UTF_8));

        assertThat(StandardWebhookSignature.verify(StandardWebhookSignature.key(SPEC_SECRET), "d-4", Long.toString(now),
                "v2,abc " + signature, BODY, now, 300)).isTrue();
        assertThat(StandardWebhookSignature.verify(StandardWebhookSignature.key(SPEC_SECRET), "d-5", Long.toString(now),
                signature, BODY, now, 300)).isFalse();
        assertThat(StandardWebhookSignature.verify(StandardWebhookSignature.key(SPEC_SECRET), "d-4", Long.toString(now),
                signature, BODY, now + 301, 300)).isFalse();
    }

    @Test
    void replydSchemeSendsOneV1PerSecretUnderOneTimestamp() {
        byte[] a = "replyd-secret-A-0123456789".getBytes(StandardCharsets.UTF_8);
        byte[] b = "replyd-secret-B-0123456789".getBytes(StandardCharsets.UTF_8);
        WebhookSigner signer = WebhookSigner.of(WebhookSigner.Scheme.REPLYD, List.of(a, b));

        Map<String, String> sent = signer.headers("d-6", 1700000000, BODY);

        assertThat(sent).containsOnlyKeys("Replyd-Delivery", "Replyd-Signature");
        assertThat(sent.get("Replyd-Signature")).matches("t=1700000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}");
        assertThat(WebhookSignature.verify(a, sent.get("Replyd-Signature"), BODY, 1700000000, 0)).isTrue();
        assertThat(WebhookSignature.verify(b, sent.get("Replyd-Signature"), BODY, 1700000000, 0)).isTrue();
        assertThat(sent.get("Replyd-Signature")).startsWith(WebhookSignature.header(a, 1700000000, BODY));
    }

    @Test
    void whsecSecretThatIsNotBase64IsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> WebhookSigner.of(WebhookSigner.Scheme.STANDARD_WEBHOOKS,
                List.of("whsec_not*base64!".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret #1: webhook secret starts with whsec_ but the rest is not base64 (expected: "
                        + "whsec_<base64 of the key bytes>, e.g. from: printf 'whsec_%s' \"$(openssl rand -base64 32)\")");
    }

    @Test
    void unknownSchemeNamesTheAcceptedOnes() {
        assertThatThrownBy(() -> WebhookSigner.Scheme.parse("svix"))
                .hasMessage("'svix' is not a signature scheme (expected: replyd or standard-webhooks)");
        assertThat(WebhookSigner.Scheme.parse("Standard-Webhooks")).isEqualTo(WebhookSigner.Scheme.STANDARD_WEBHOOKS);
    }
}
