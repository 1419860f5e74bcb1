package dev.replyd.address;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class WebhookSignaturePropertiesTest {

    @Property
    void signedBodyVerifiesAtTheSigningTime(@ForAll @Size(min = 1, max = 64) byte[] secret,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long time, @ForAll @Size(max = 512) byte[] body) {
        String header = WebhookSignature.header(secret, time, body);

        assertThat(WebhookSignature.verify(secret, header, body, time, 0)).isTrue();
    }

    @Provide
    Arbitrary<String> headers() {
        Arbitrary<String> junk = Arbitraries.strings().withChars("tv01=,; abcdefABCDEF9+-").ofMaxLength(120);
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(200), junk, junk.map(j -> "t=1700000000," + j),
                junk.map(j -> "t=" + j + ",v1=" + WebhookSignatureTest.V1));
    }

    @Property(tries = 2000)
    void arbitraryHeadersAndTimesNeverThrow(@ForAll("headers") String header, @ForAll long now,
            @ForAll long tolerance) {
        boolean verified = WebhookSignature.verify(WebhookSignatureTest.SECRET, header, WebhookSignatureTest.BODY, now,
                tolerance);

        if (verified) {
            assertThat(header).contains(WebhookSignatureTest.V1.substring(0, 8));
        }
    }

    @Property
    void headerFromAnotherTimeDoesNotVerifyOutsideTheTolerance(@ForAll @LongRange(min = 0, max = 4_000_000_000L) long time,
            @ForAll @LongRange(min = 1, max = 1_000_000) long skew, @ForAll @StringLength(max = 100) String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String header = WebhookSignature.header(WebhookSignatureTest.SECRET, time, bytes);

        assertThat(WebhookSignature.verify(WebhookSignatureTest.SECRET, header, bytes, time + skew, skew - 1)).isFalse();
        assertThat(WebhookSignature.verify(WebhookSignatureTest.SECRET, header, bytes, time + skew, skew)).isTrue();
        assertThat(WebhookSignature.verify(WebhookSignatureTest.SECRET, header, bytes, time - skew, skew)).isTrue();
    }
}
