package dev.replyd.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Unsubscribe addresses, {@code unsub+<kind>-<thread>-<sig>-<user>@<reply-domain>}: minted and checked by the same
 * codec as reply addresses, signed over their own text so that neither kind of token ever passes for the other.
 */
class UnsubscribeAddressTest {

    private static final String DOMAIN = ReplyAddressCodecTest.DOMAIN;
    private static final ReplyAddressCodec CODEC = new ReplyAddressCodec("reply", DOMAIN, List.of("i", "p", "c", "d"),
            List.of(ReplyAddressCodecTest.KEY_A));
    /**
     * (i, 1, 5) under key A, computed independently:
     * {@code printf 'v1-unsub:i:1:5' | openssl dgst -sha256 -hmac 'replyd test key A: 0123456789abcdef'}, first 40 digits.
     */
    static final String UNSUB_I_1_5 = "unsub+i-1-ef2b22195dad53857022f7886425ee01c7a85235-5@" + DOMAIN;

    @Test
    void unsubscribeAddressIsSignedOverTheUnsubscribeText() {
        assertThat(CODEC.mintUnsubscribe(new ReplyToken("i", 1, 5))).isEqualTo(UNSUB_I_1_5);
    }

    @Test
    void unsubscribeAddressChecksBackToItsTokenWithThePurposeUnsubscribe() {
        AddressCheck check = CODEC.check("<" + UNSUB_I_1_5.toUpperCase(java.util.Locale.ROOT) + ">");

        assertThat(check.isValid()).as("%s", check).isTrue();
        assertThat(check.token()).contains(new ReplyToken("i", 1, 5));
        assertThat(check.purpose()).isEqualTo(AddressPurpose.UNSUBSCRIBE);
        assertThat(check.purpose().wireName()).isEqualTo("unsubscribe");
    }

    @Test
    void replyAddressChecksWithThePurposeReply() {
        AddressCheck check = CODEC.check(ReplyAddressCodecTest.ADDRESS_I_1_5);

        assertThat(check.purpose()).isEqualTo(AddressPurpose.REPLY);
        assertThat(check.purpose().wireName()).isEqualTo("reply");
    }

    @Test
    void replySignatureUnderTheUnsubscribePrefixIsRefusedAsABadSignature() {
        AddressCheck check = CODEC.check("unsub+i-1-" + ReplyAddressCodecTest.SIG_I_1_5 + "-5@" + DOMAIN);

        assertThat(check.refusal()).isEqualTo(Refusal.BAD_SIGNATURE);
        assertThat(check.reason()).isEqualTo("signature does not match");
        assertThat(check.purpose()).isNull();
    }

    @Test
    void unsubscribeSignatureUnderTheReplyPrefixIsRefusedAsABadSignature() {
        AddressCheck check = CODEC.check(UNSUB_I_1_5.replace("unsub+", "reply+"));

        assertThat(check.refusal()).isEqualTo(Refusal.BAD_SIGNATURE);
    }

    @Test
    void unsubscribeAddressOfAnUnknownKindIsRefusedLikeAReplyAddress() {
        assertThat(CODEC.check("unsub+x-1-ef2b22195dad53857022f7886425ee01c7a85235-5@" + DOMAIN).refusal())
                .isEqualTo(Refusal.UNKNOWN_KIND);
    }

    @Test
    void configuredPrefixMayNotBeTheUnsubscribePrefix() {
        assertThatThrownBy(() -> new ReplyAddressCodec("Unsub", DOMAIN, List.of("i"), List.of(ReplyAddressCodecTest.KEY_A)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("address prefix 'Unsub' is the prefix of unsubscribe addresses (expected: another prefix, e.g. reply)");
    }

    @Provide
    Arbitrary<ReplyToken> tokens() {
        Arbitrary<Long> ids = Arbitraries.longs().between(0, Long.MAX_VALUE);
        return Combinators.combine(Arbitraries.of("i", "p", "c", "d"), ids, ids).as(ReplyToken::new);
    }

    @Property(tries = 2000)
    void anUnsubscribeTokenIsNeverAValidReplyTokenNorTheReverse(@ForAll("tokens") ReplyToken token) {
        String reply = CODEC.mint(token);
        String unsubscribe = CODEC.mintUnsubscribe(token);
        String replySig = reply.split("-")[2];
        String unsubscribeSig = unsubscribe.split("-")[2];

        assertThat(replySig).isNotEqualTo(unsubscribeSig);
        assertThat(CODEC.check(reply).purpose()).isEqualTo(AddressPurpose.REPLY);
        assertThat(CODEC.check(unsubscribe).purpose()).isEqualTo(AddressPurpose.UNSUBSCRIBE);
        assertThat(CODEC.check(unsubscribe.replaceFirst("^unsub\\+", "reply+")).refusal())
                .isEqualTo(Refusal.BAD_SIGNATURE);
        assertThat(CODEC.check(reply.replaceFirst("^reply\\+", "unsub+")).refusal())
                .isEqualTo(Refusal.BAD_SIGNATURE);
    }

    @Property(tries = 500)
    void unsubscribeAddressesFitTheLengthLimit(@ForAll("tokens") ReplyToken token) {
        assertThat(CODEC.mintUnsubscribe(token).length()).isLessThanOrEqualTo(ReplyAddressCodec.MAX_ADDRESS_LENGTH);
    }
}
