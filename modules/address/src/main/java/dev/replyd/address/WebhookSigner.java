package dev.replyd.address;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The signature headers of one callback request, in the scheme the operator chose ({@code callback.signature})
 * with every configured secret ({@code callback.secret} and {@code callback.secrets}).
 *
 * <p>Contract: {@link #headers} returns, besides {@code Replyd-Delivery: <delivery id>} (sent in both schemes, so
 * receivers can deduplicate either way):
 * <ul>
 * <li>{@link Scheme#REPLYD}: {@code Replyd-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]}, one {@code v1}
 * per secret, each key the UTF-8 bytes of the secret ({@link WebhookSignature});</li>
 * <li>{@link Scheme#STANDARD_WEBHOOKS}: {@code webhook-id: <delivery id>}, {@code webhook-timestamp: <unix
 * seconds>}, {@code webhook-signature: v1,<base64> [v1,<base64>...]}, one per secret, each key as
 * {@link StandardWebhookSignature#key} maps the secret ({@code whsec_} secrets are base64-decoded).</li>
 * </ul>
 * Every secret signs: during a rotation the main app accepts the request with either its old or its new secret.
 *
 * <p>Failures: {@link #of} throws {@link IllegalArgumentException} naming the problem (never a secret) for no
 * secrets, an empty one or an undecodable {@code whsec_} one.
 *
 * <p>Security: {@link #toString()} names the scheme and the number of secrets only.
 *
 * <p>Thread-safety: immutable; the keys are copied in.
 */
public final class WebhookSigner {

    /** The header replyd names the delivery with in both schemes. */
    public static final String DELIVERY_HEADER = "Replyd-Delivery";

    /** How callbacks are signed. */
    public enum Scheme {
        /** {@code Replyd-Signature} (replyd's own, the default). */
        REPLYD("replyd"),
        /** {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature} (Standard Webhooks). */
        STANDARD_WEBHOOKS("standard-webhooks");

        private final String configName;

        Scheme(String configName) {
            this.configName = configName;
        }

        /** As written in {@code callback.signature}. */
        public String configName() {
            return configName;
        }

        /**
         * The scheme named {@code name} (ASCII case ignored).
         *
         * @throws IllegalArgumentException naming the value and the accepted names
         */
        public static Scheme parse(String name) {
            for (Scheme scheme : values()) {
                if (name != null && scheme.configName.equals(name.toLowerCase(Locale.ROOT))) {
                    return scheme;
                }
            }
            throw new IllegalArgumentException(AddressSyntax.quote(name) + " is not a signature scheme (expected: "
                    + REPLYD.configName + " or " + STANDARD_WEBHOOKS.configName + ")");
        }
    }

    private final Scheme scheme;
    private final List<byte[]> keys;

    private WebhookSigner(Scheme scheme, List<byte[]> keys) {
        this.scheme = scheme;
        this.keys = keys;
    }

    /**
     * A signer for {@code secrets} (the configured texts, as UTF-8 bytes), all of which sign.
     *
     * @throws IllegalArgumentException for no secrets, an empty one, or (Standard Webhooks) an undecodable
     *     {@code whsec_} one, naming it by position
     */
    public static WebhookSigner of(Scheme scheme, List<byte[]> secrets) {
        if (scheme == null) {
            throw new IllegalArgumentException("signature scheme is missing (expected: replyd or standard-webhooks)");
        }
        if (secrets == null || secrets.isEmpty()) {
            throw new IllegalArgumentException("webhook secrets are missing (expected: at least one)");
        }
        List<byte[]> keys = new ArrayList<>(secrets.size());
        for (int i = 0; i < secrets.size(); i++) {
            byte[] secret = secrets.get(i);
            if (secret == null || secret.length == 0) {
                throw new IllegalArgumentException("webhook secret #" + (i + 1) + " is empty (expected: at least 1 byte)");
            }
            if (scheme == Scheme.REPLYD) {
                keys.add(secret.clone());
            } else {
                try {
                    keys.add(StandardWebhookSignature.key(new String(secret, StandardCharsets.UTF_8)));
                } catch (IllegalArgumentException bad) {
                    throw new IllegalArgumentException("secret #" + (i + 1) + ": " + bad.getMessage());
                }
            }
        }
        return new WebhookSigner(scheme, Collections.unmodifiableList(keys));
    }

    /** The scheme. */
    public Scheme scheme() {
        return scheme;
    }

    /** The number of secrets that sign. */
    public int secretCount() {
        return keys.size();
    }

    /** The headers to send with {@code body} for {@code deliveryId} at {@code unixSeconds}, in a stable order. */
    public Map<String, String> headers(String deliveryId, long unixSeconds, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(DELIVERY_HEADER, deliveryId);
        if (scheme == Scheme.REPLYD) {
            headers.put("Replyd-Signature", WebhookSignature.headerSignedWithEach(keys, unixSeconds, body));
        } else {
            headers.put("webhook-id", deliveryId);
            headers.put("webhook-timestamp", Long.toString(unixSeconds));
            headers.put("webhook-signature", StandardWebhookSignature.header(keys, deliveryId, unixSeconds, body));
        }
        return Collections.unmodifiableMap(headers);
    }

    /** Same scheme and the same secrets in the same order (a reload changes nothing then). */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof WebhookSigner that) || scheme != that.scheme || keys.size() != that.keys.size()) {
            return false;
        }
        for (int i = 0; i < keys.size(); i++) {
            if (!java.security.MessageDigest.isEqual(keys.get(i), that.keys.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return scheme.hashCode() * 31 + keys.size();
    }

    @Override
    public String toString() {
        return "WebhookSigner[" + scheme.configName + ", " + keys.size() + " secret(s) hidden]";
    }
}
