package dev.replyd.address;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/** Properties of {@link ReplyAddressCodec} over arbitrary configurations, tokens, edits and junk. */
class ReplyAddressPropertiesTest {

    private static final String DOMAIN = "reply.tracker.example.com";
    private static final ReplyAddressCodec FIXED = new ReplyAddressCodec("reply", DOMAIN, List.of("i", "p", "c", "d"),
            List.of(ReplyAddressCodecTest.KEY_A));

    record Minted(ReplyAddressCodec codec, ReplyToken token, String address) {
    }

    @Provide
    Arbitrary<byte[]> keys() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(32).ofMaxSize(64);
    }

    @Provide
    Arbitrary<Long> ids() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE);
    }

    @Provide
    Arbitrary<ReplyToken> tokens() {
        return Combinators.combine(Arbitraries.of("i", "p", "c", "d"), ids(), ids()).as(ReplyToken::new);
    }

    @Provide
    Arbitrary<Minted> minted() {
        Arbitrary<Set<String>> kinds = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6)
                .set().ofMinSize(1).ofMaxSize(4);
        Arbitrary<String> prefixes = Arbitraries.of("reply", "Reply", "tracker.reply", "r-1_x");
        Arbitrary<String> domains = Arbitraries.of(DOMAIN, "R.Example", "mail-in.example.org");
        return Combinators.combine(kinds, keys(), prefixes, domains).flatAs((kindSet, key, prefix, domain) -> {
            ReplyAddressCodec codec = new ReplyAddressCodec(prefix, domain, kindSet, List.of(key));
            return Combinators.combine(Arbitraries.of(kindSet), ids(), ids()).as((kind, thread, user) -> {
                ReplyToken token = new ReplyToken(kind, thread, user);
                return new Minted(codec, token, codec.mint(token));
            });
        });
    }

    /** Mostly characters that occur in addresses, plus Unicode case lookalikes, digits and controls. */
    @Provide
    Arbitrary<Character> replacements() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("0123456789abcdefABCDEFxyzXYZ+-@.<> ".toCharArray())
                        .map(Character::valueOf)),
                Tuple.of(2, Arbitraries.chars()),
                Tuple.of(2, Arbitraries.of('\u212A', '\u0131', '\u0130', '\u017F', '\uFF10', '\u0661',
                        '\u0000', '\n', '\r', '\uFF0B', '\uFF20')));
    }

    @Property
    void mintedAddressChecksBackToItsToken(@ForAll("minted") Minted minted) {
        AddressCheck check = minted.codec().check(minted.address());

        assertThat(check.isValid()).as("%s: %s", minted.address(), check).isTrue();
        assertThat(check.token()).contains(minted.token());
        assertThat(minted.address().length()).isLessThanOrEqualTo(ReplyAddressCodec.MAX_ADDRESS_LENGTH);
    }

    @Property(tries = 3000)
    void changingAnyOneCharacterNeverYieldsADifferentValidToken(@ForAll("minted") Minted minted,
            @ForAll @IntRange(min = 0, max = 1000) int position, @ForAll("replacements") char replacement) {
        String address = minted.address();
        int index = position % address.length();
        char original = address.charAt(index);
        Assume.that(replacement != original);
        String changed = address.substring(0, index) + replacement + address.substring(index + 1);

        AddressCheck check = minted.codec().check(changed);

        if (check.isValid()) {
            assertThat(check.token()).as("token of %s", changed).contains(minted.token());
            assertThat(Character.toLowerCase(replacement)).as("only an ASCII case change may stay valid: %s", changed)
                    .isEqualTo(Character.toLowerCase(original)).isBetween('a', 'z');
        }
    }

    @Property
    void swappingTheCaseOfAnyOneLetterKeepsTheSameToken(@ForAll("minted") Minted minted,
            @ForAll @IntRange(min = 0, max = 1000) int position) {
        String address = minted.address();
        int index = position % address.length();
        char original = address.charAt(index);
        Assume.that(Character.isLetter(original));
        char swapped = Character.isUpperCase(original) ? Character.toLowerCase(original) : Character.toUpperCase(original);
        String changed = address.substring(0, index) + swapped + address.substring(index + 1);

        assertThat(minted.codec().check(changed).token()).as("token of %s", changed).contains(minted.token());
    }

    @Property(tries = 2000)
    void arbitraryTextNeverThrowsAndIsRefusedWithAPrintableReason(@ForAll @StringLength(max = 400) String text) {
        assertConsistentRefusal(FIXED.check(text));
    }

    @Provide
    Arbitrary<String> nearMisses() {
        Arbitrary<String> junk = Arbitraries.strings().withChars("reply+-@<>0123456789abcdefABCDEFIipcdx. \u0131\u0661")
                .ofMaxLength(90);
        return Arbitraries.oneOf(junk, junk.map(token -> "reply+" + token + "@" + DOMAIN),
                junk.map(token -> "<reply+i-" + token + ">"));
    }

    @Property(tries = 2000)
    void nearMissesNeverThrowAndAreRefusedWithAPrintableReason(@ForAll("nearMisses") String text) {
        assertConsistentRefusal(FIXED.check(text));
    }

    private static void assertConsistentRefusal(AddressCheck check) {
        assertThat(check).isNotNull();
        assertThat(check.isValid()).as("%s", check).isFalse();
        assertThat(check.token()).isEmpty();
        assertThat(check.refusal()).isNotNull();
        assertThat(check.reason()).matches("[\\x20-\\x7e]{1,200}");
    }

    @Property
    void addressMintedWithAnOldKeyStillVerifiesWhileThatKeyIsConfiguredSecond(@ForAll("keys") byte[] oldKey,
            @ForAll("keys") byte[] newKey, @ForAll("tokens") ReplyToken token) {
        Assume.that(!Arrays.equals(oldKey, newKey));
        List<String> kinds = List.of("i", "p", "c", "d");
        ReplyAddressCodec before = new ReplyAddressCodec("reply", DOMAIN, kinds, List.of(oldKey));
        ReplyAddressCodec during = new ReplyAddressCodec("reply", DOMAIN, kinds, List.of(newKey, oldKey));
        ReplyAddressCodec after = new ReplyAddressCodec("reply", DOMAIN, kinds, List.of(newKey));
        String sentBeforeRotation = before.mint(token);

        assertThat(during.check(sentBeforeRotation).token()).contains(token);
        assertThat(after.check(sentBeforeRotation).refusal()).isEqualTo(Refusal.BAD_SIGNATURE);
        assertThat(during.mint(token)).isEqualTo(after.mint(token)).isNotEqualTo(sentBeforeRotation);
    }
}
