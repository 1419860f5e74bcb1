package dev.replyd.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code Replyd-Signature} header: a known answer, time tolerance, rotation and malformed headers. */
class WebhookSignatureTest {

    // Known answer computed with python3 hmac and openssl dgst -sha256 -hmac (see VECTORS.md).
    static final byte[] SECRET = "whsec_replyd_test_secret".getBytes(StandardCharsets.UTF_8);
    static final long T = 1_700_000_000L;
    static final byte[] BODY = "{\"delivery\":\"d-1\",\"text\":\"Thanks!\"}".getBytes(StandardCharsets.UTF_8);
    static final String V1 = "14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6c";
    static final String HEADER = "t=1700000000,v1=" + V1;
    static final String OTHER_V1 = "0".repeat(64);

    @Test
    void headerMatchesTheKnownAnswer() {
        assertThat(WebhookSignature.header(SECRET, T, BODY)).isEqualTo(HEADER);
    }

    @Test
    void knownHeaderVerifiesWithinTheToleranceEitherWay() {
        assertThat(WebhookSignature.verify(SECRET, HEADER, BODY, T, 0)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, HEADER, BODY, T + 300, 300)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, HEADER, BODY, T - 300, 300)).isTrue();
    }

    @Test
    void headerOutsideTheToleranceIsRefused() {
        assertThat(WebhookSignature.verify(SECRET, HEADER, BODY, T + 301, 300)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, HEADER, BODY, T - 301, 300)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, HEADER, BODY, Long.MIN_VALUE, Long.MAX_VALUE)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, HEADER, BODY, Long.MAX_VALUE, 300)).isFalse();
    }

    @Test
    void otherBodyOrSecretIsRefused() {
        byte[] tampered = "{\"delivery\":\"d-2\",\"text\":\"Thanks!\"}".getBytes(StandardCharsets.UTF_8);
        byte[] otherSecret = "whsec_some_other_secret".getBytes(StandardCharsets.UTF_8);

        assertThat(WebhookSignature.verify(SECRET, HEADER, tampered, T, 300)).isFalse();
        assertThat(WebhookSignature.verify(otherSecret, HEADER, BODY, T, 300)).isFalse();
    }

    @Test
    void anyOfSeveralV1ValuesMayMatchSoSecretsCanRotate() {
        assertThat(WebhookSignature.verify(SECRET, "t=1700000000,v1=" + OTHER_V1 + ",v1=" + V1, BODY, T, 300)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, "t=1700000000,v1=" + V1 + ",v1=" + OTHER_V1, BODY, T, 300)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, "t=1700000000,v1=" + OTHER_V1, BODY, T, 300)).isFalse();
    }

    @Test
    void hexCaseSpacesAroundItemsAndUnknownItemsAreAccepted() {
        assertThat(WebhookSignature.verify(SECRET, "t=1700000000, v1=" + V1.toUpperCase(), BODY, T, 300)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, "v0=abc, t=1700000000 ,v1=" + V1, BODY, T, 300)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        ",",
        "t=1700000000",
        "v1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6c",
        "t=1700000000,t=1700000000,v1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6c",
        "t=+1700000000,v1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6c",
        "t=01700000000,v1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6c",
        "t=abc,v1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6c",
        "t=99999999999999999999,v1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6c",
        "t=1700000000,v1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6",
        "t=1700000000,v1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6cc",
        "t=1700000000,v1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6g",
        "t=1700000000;v1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6c",
        "t=1700000000,,v1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6c",
        "t=1700000000,=x,v1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6c",
        "T=1700000000,V1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6c",
        "t=1700000000,v1=14dab11df36ea707a3230431fddeabe1574b03e5a1e20e40d6a9028c010e6b6c,v1=zz",
    })
    void malformedHeaderIsRefusedEvenWhenItHoldsTheRightSignature(String header) {
        assertThat(WebhookSignature.verify(SECRET, header, BODY, T, 300)).as("%s", header).isFalse();
    }

    @Test
    void missingArgumentsNegativeToleranceAndOverlongHeadersAreRefused() {
        assertThat(WebhookSignature.verify(null, HEADER, BODY, T, 300)).isFalse();
        assertThat(WebhookSignature.verify(new byte[0], HEADER, BODY, T, 300)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, null, BODY, T, 300)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, HEADER, null, T, 300)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, HEADER, BODY, T, -1)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, HEADER + ",v0=" + "x".repeat(5000), BODY, T, 300)).isFalse();
    }

    @Test
    void headerRefusesMissingSecretNegativeTimeAndMissingBody() {
        assertThatThrownBy(() -> WebhookSignature.header(null, T, BODY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("webhook secret is missing (expected: at least 1 byte; set replyd.callback.secret)");
        assertThatThrownBy(() -> WebhookSignature.header(new byte[0], T, BODY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("webhook secret is empty (expected: at least 1 byte; set replyd.callback.secret)");
        assertThatThrownBy(() -> WebhookSignature.header(SECRET, -1, BODY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("webhook time is -1 (expected: unix seconds >= 0)");
        assertThatThrownBy(() -> WebhookSignature.header(SECRET, T, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("webhook body is missing (expected: the request body bytes, possibly empty)");
    }

    @Test
    void emptyBodyIsSignedToo() {
        String header = WebhookSignature.header(SECRET, T, new byte[0]);

        assertThat(header).matches("t=1700000000,v1=[0-9a-f]{64}");
        assertThat(WebhookSignature.verify(SECRET, header, new byte[0], T, 0)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, header, BODY, T, 0)).isFalse();
    }
}
