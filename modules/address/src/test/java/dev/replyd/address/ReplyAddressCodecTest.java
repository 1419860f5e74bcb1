package dev.replyd.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Construction, minting and every refusal of {@link ReplyAddressCodec}, with exact reason texts. */
class ReplyAddressCodecTest {

    static final String DOMAIN = "reply.tracker.example.com";
    static final byte[] KEY_A = "replyd test key A: 0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    static final byte[] KEY_B = "replyd test key B: the quick brown fox jumps".getBytes(StandardCharsets.UTF_8);
    /** (i, 1, 5) under KEY_A, from reply-address-vectors.tsv. */
    static final String SIG_I_1_5 = "2c921fdb578cc07b96fda04d4f53652eb5d6791d";
    static final String ADDRESS_I_1_5 = "reply+i-1-" + SIG_I_1_5 + "-5@" + DOMAIN;

    private final ReplyAddressCodec codec = new ReplyAddressCodec("reply", DOMAIN, List.of("i", "p", "c", "d"), List.of(KEY_A));

    private void assertRefused(String address, Refusal refusal, String reason) {
        AddressCheck check = codec.check(address);
        assertThat(check.isValid()).as("valid: %s", address).isFalse();
        assertThat(check.token()).isEmpty();
        assertThat(check.refusal()).as("refusal of %s", address).isEqualTo(refusal);
        assertThat(check.reason()).isEqualTo(reason);
    }

    @Nested
    class Minting {

        @Test
        void mintedAddressHasPrefixKindThreadSignatureUserAndDomainInThatOrder() {
            assertThat(codec.mint(new ReplyToken("i", 1, 5))).isEqualTo(ADDRESS_I_1_5);
        }

        @Test
        void signatureIsFortyLowercaseHexDigitsFromTheFirstKey() {
            ReplyAddressCodec rotated = new ReplyAddressCodec("reply", DOMAIN, List.of("i"), List.of(KEY_A, KEY_B));

            assertThat(rotated.signature(new ReplyToken("i", 1, 5))).isEqualTo(SIG_I_1_5).matches("[0-9a-f]{40}");
        }

        @Test
        void mintingAnUnconfiguredKindNamesTheKindAndTheConfiguredOnes() {
            assertThatThrownBy(() -> codec.mint(new ReplyToken("x", 1, 5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("kind 'x' is not configured (expected one of: c, d, i, p)");
        }

        @Test
        void mintingANullTokenIsRefused() {
            assertThatThrownBy(() -> codec.mint(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("token is missing (expected: a ReplyToken)");
        }

        @Test
        void accessorsReturnTheConfigurationWithKindsSortedAndUnmodifiable() {
            assertThat(codec.prefix()).isEqualTo("reply");
            assertThat(codec.replyDomain()).isEqualTo(DOMAIN);
            assertThat(codec.kinds()).containsExactly("c", "d", "i", "p");
            assertThatThrownBy(() -> codec.kinds().add("x")).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void toStringShowsTheConfigurationButNoKeyMaterial() {
            assertThat(codec.toString())
                    .isEqualTo("ReplyAddressCodec[prefix=reply, replyDomain=reply.tracker.example.com, kinds=[c, d, i, p], keys=1 (hidden)]");
        }

        @Test
        void keysAreCopiedSoWipingTheCallersArrayChangesNothing() {
            byte[] key = KEY_A.clone();
            ReplyAddressCodec copying = new ReplyAddressCodec("reply", DOMAIN, List.of("i"), List.of(key));

            Arrays.fill(key, (byte) 0);

            assertThat(copying.mint(new ReplyToken("i", 1, 5))).isEqualTo(ADDRESS_I_1_5);
        }
    }

    @Nested
    class Construction {

        private IllegalArgumentException thrownBy(String prefix, String domain, List<String> kinds, List<byte[]> keys) {
            try {
                new ReplyAddressCodec(prefix, domain, kinds, keys);
            } catch (IllegalArgumentException e) {
                return e;
            }
            throw new AssertionError("no exception");
        }

        @Test
        void shortKeyIsRefusedByNumberAndLengthWithoutShowingIt() {
            byte[] shortKey = "tensecrets".getBytes(StandardCharsets.UTF_8);

            IllegalArgumentException e = thrownBy("reply", DOMAIN, List.of("i"), List.of(KEY_A, shortKey));

            assertThat(e).hasMessage("address key #2 is 10 bytes (expected: at least 32 bytes)");
            assertThat(e.getMessage()).doesNotContain("tensecrets");
        }

        @Test
        void keyOfThirtyOneBytesIsRefusedAndThirtyTwoAccepted() {
            assertThat(thrownBy("reply", DOMAIN, List.of("i"), List.of(new byte[31])))
                    .hasMessage("address key #1 is 31 bytes (expected: at least 32 bytes)");
            assertThat(new ReplyAddressCodec("reply", DOMAIN, List.of("i"), List.of(new byte[32])).kinds()).containsExactly("i");
        }

        @Test
        void missingOrEmptyKeysAreRefused() {
            assertThat(thrownBy("reply", DOMAIN, List.of("i"), List.of()))
                    .hasMessage("address keys are empty (expected: at least one key of at least 32 bytes; the first signs)");
            assertThat(thrownBy("reply", DOMAIN, List.of("i"), null))
                    .hasMessage("address keys are empty (expected: at least one key of at least 32 bytes; the first signs)");
            assertThat(thrownBy("reply", DOMAIN, List.of("i"), Arrays.asList(KEY_A, null)))
                    .hasMessage("address key #2 is missing (expected: at least 32 bytes)");
        }

        @Test
        void kindsMustBeLowercaseLetters() {
            assertThat(thrownBy("reply", DOMAIN, List.of("i", "I"), List.of(KEY_A)))
                    .hasMessage("address kind 'I' is not lowercase letters (expected: one or more of a-z, e.g. i)");
            assertThat(thrownBy("reply", DOMAIN, List.of("i-2"), List.of(KEY_A)))
                    .hasMessage("address kind 'i-2' is not lowercase letters (expected: one or more of a-z, e.g. i)");
            assertThat(thrownBy("reply", DOMAIN, List.of(""), List.of(KEY_A)))
                    .hasMessage("address kind '' is not lowercase letters (expected: one or more of a-z, e.g. i)");
            assertThat(thrownBy("reply", DOMAIN, Arrays.asList("i", null), List.of(KEY_A)))
                    .hasMessage("address kind is missing (expected: lowercase letters a-z, e.g. i)");
            assertThat(thrownBy("reply", DOMAIN, List.of(), List.of(KEY_A)))
                    .hasMessage("address kinds are empty (expected: at least one kind, e.g. [i, p, c, d])");
        }

        @Test
        void prefixMustBeADotAtomWithoutPlus() {
            assertThat(thrownBy("re+ply", DOMAIN, List.of("i"), List.of(KEY_A)))
                    .hasMessage("address prefix 're+ply' is not valid (expected: letters, digits, '_', '-' and inner dots, e.g. reply)");
            assertThat(thrownBy("", DOMAIN, List.of("i"), List.of(KEY_A)))
                    .hasMessage("address prefix '' is not valid (expected: letters, digits, '_', '-' and inner dots, e.g. reply)");
            assertThat(thrownBy(null, DOMAIN, List.of("i"), List.of(KEY_A)))
                    .hasMessage("address prefix is missing (expected: e.g. reply)");
            assertThat(new ReplyAddressCodec("tracker.reply-to_x", DOMAIN, List.of("i"), List.of(KEY_A)).prefix())
                    .isEqualTo("tracker.reply-to_x");
        }

        @Test
        void replyDomainMustBeAHostName() {
            assertThat(thrownBy("reply", "reply..example.com", List.of("i"), List.of(KEY_A)))
                    .hasMessage("reply domain 'reply..example.com' is not a valid host name (expected: dot-separated labels"
                            + " of letters, digits and inner '-', at most 253 characters, e.g. reply.tracker.example.com)");
            assertThat(thrownBy("reply", null, List.of("i"), List.of(KEY_A)))
                    .hasMessage("reply domain is missing (expected: a host name, e.g. reply.tracker.example.com)");
            assertThat(thrownBy("reply", "-bad.example.com", List.of("i"), List.of(KEY_A)).getMessage())
                    .startsWith("reply domain '-bad.example.com' is not a valid host name");
        }

        @Test
        void configurationWhoseAddressesCouldExceedTheLengthLimitIsRefused() {
            String longDomain = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(50));

            assertThat(thrownBy("reply", longDomain, List.of("i"), List.of(KEY_A)))
                    .hasMessage("address prefix, longest kind and reply domain make addresses of up to 331 characters"
                            + " (expected: at most 320); shorten the prefix, the reply domain or the kinds");
        }
    }

    @Nested
    class Accepting {

        @Test
        void addressInAngleBracketsIsAccepted() {
            assertThat(codec.check("<" + ADDRESS_I_1_5 + ">").token()).contains(new ReplyToken("i", 1, 5));
        }

        @Test
        void caseChangesInPrefixKindSignatureAndDomainGiveTheSameLowercaseToken() {
            AddressCheck check = codec.check("REPLY+I-1-" + SIG_I_1_5.toUpperCase() + "-5@Reply.Tracker.EXAMPLE.com");

            assertThat(check.isValid()).isTrue();
            assertThat(check.refusal()).isNull();
            assertThat(check.reason()).isEqualTo("valid");
            assertThat(check.token()).contains(new ReplyToken("i", 1, 5));
        }

        @Test
        void addressSignedWithTheSecondKeyIsAccepted() {
            ReplyAddressCodec rotated = new ReplyAddressCodec("reply", DOMAIN, List.of("i"), List.of(KEY_B, KEY_A));

            assertThat(rotated.check(ADDRESS_I_1_5).token()).contains(new ReplyToken("i", 1, 5));
            assertThat(rotated.mint(new ReplyToken("i", 1, 5))).isNotEqualTo(ADDRESS_I_1_5);
        }

        @Test
        void oneCodecServesManyThreadsAtOnce() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int base = t * 1000;
                    results.add(pool.submit(() -> {
                        for (int i = base; i < base + 500; i++) {
                            ReplyToken token = new ReplyToken("p", i, i + 1L);
                            if (!codec.check(codec.mint(token)).token().equals(Optional.of(token))) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> result : results) {
                    assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
                }
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Nested
    class Refusing {

        /** One row an address: what it shows, the address, the refusal and its exact reason. */
        static Stream<Arguments> refusedAddresses() {
            String token = "reply+i-1-" + SIG_I_1_5;
            String parts = " (expected: 4, as <kind>-<thread>-<sig>-<user>)";
            String emptyPart = "token has an empty part (expected: <kind>-<thread>-<sig>-<user>)";
            String notDecimal = " is not a plain decimal number (expected: digits 0-9, no sign, no leading zeros)";
            String tooLarge = " is too large (expected: at most 9223372036854775807)";
            String hex = " (expected: 40 hex digits)";
            String noMatch = "signature does not match";
            return Stream.of(
                    argumentSet("null is not an address", null, Refusal.NOT_AN_ADDRESS, "no address given"),
                    argumentSet("overlong input is refused before parsing", "a".repeat(321), Refusal.NOT_AN_ADDRESS,
                            "address is 321 characters long (expected: at most 320)"),
                    argumentSet("the empty string is not an address", "", Refusal.NOT_AN_ADDRESS, "empty address"),
                    argumentSet("the empty path is not an address", "<>", Refusal.NOT_AN_ADDRESS, "empty address"),
                    argumentSet("an unclosed angle bracket is unbalanced", "<" + ADDRESS_I_1_5, Refusal.NOT_AN_ADDRESS,
                            "unbalanced angle brackets in '<reply+i-1-2c921fdb578cc07b96fda04d4f536...'"),
                    argumentSet("a lone closing angle bracket is unbalanced", ">", Refusal.NOT_AN_ADDRESS,
                            "unbalanced angle brackets in '>'"),
                    argumentSet("text without at sign is not an address", "postmaster", Refusal.NOT_AN_ADDRESS,
                            "no '@' in 'postmaster'"),
                    argumentSet("an empty local part is not an address", "@" + DOMAIN, Refusal.NOT_AN_ADDRESS,
                            "empty local part before '@'"),
                    argumentSet("an empty domain is not an address", token + "-5@", Refusal.NOT_AN_ADDRESS,
                            "empty domain after '@'"),
                    argumentSet("another domain is refused so callers can deny relaying",
                            token + "-5@tracker.example.com", Refusal.WRONG_DOMAIN,
                            "domain 'tracker.example.com' is not the reply domain 'reply.tracker.example.com'"),
                    argumentSet("the reply domain with a trailing dot is another domain", token + "-5@" + DOMAIN + ".",
                            Refusal.WRONG_DOMAIN,
                            "domain 'reply.tracker.example.com.' is not the reply domain 'reply.tracker.example.com'"),
                    // KELVIN SIGN lowercases to 'k' in String.equalsIgnoreCase; mail domains are ASCII.
                    argumentSet("unicode case lookalikes in the domain are not folded",
                            token + "-5@reply.trac\u212Aer.example.com", Refusal.WRONG_DOMAIN,
                            "domain 'reply.trac\\u212aer.example.com' is not the reply domain 'reply.tracker.example.com'"),
                    argumentSet("a local part without plus is the wrong prefix", "noreply@" + DOMAIN, Refusal.WRONG_PREFIX,
                            "local part 'noreply' has no '+' (expected: reply+<kind>-<thread>-<sig>-<user>)"),
                    argumentSet("another prefix is the wrong prefix", "bounce+i-1-" + SIG_I_1_5 + "-5@" + DOMAIN,
                            Refusal.WRONG_PREFIX, "prefix 'bounce' does not match (expected: reply)"),
                    argumentSet("an empty prefix is the wrong prefix", "+i-1-" + SIG_I_1_5 + "-5@" + DOMAIN,
                            Refusal.WRONG_PREFIX, "prefix '' does not match (expected: reply)"),
                    argumentSet("a token with too few parts is malformed", "reply+i-1-5@" + DOMAIN,
                            Refusal.MALFORMED_TOKEN, "token has 3 parts" + parts),
                    argumentSet("a token with too many parts is malformed", token + "-5-6@" + DOMAIN,
                            Refusal.MALFORMED_TOKEN, "token has 5 parts" + parts),
                    argumentSet("an empty token is malformed", "reply+@" + DOMAIN,
                            Refusal.MALFORMED_TOKEN, "token has 1 part" + parts),
                    argumentSet("a token with an empty thread id is malformed", "reply+i--" + SIG_I_1_5 + "-5@" + DOMAIN,
                            Refusal.MALFORMED_TOKEN, emptyPart),
                    argumentSet("a token with an empty user id is malformed", token + "-@" + DOMAIN,
                            Refusal.MALFORMED_TOKEN, emptyPart),
                    argumentSet("a kind that is not configured is unknown", "reply+x-1-" + SIG_I_1_5 + "-5@" + DOMAIN,
                            Refusal.UNKNOWN_KIND, "unknown kind 'x' (expected one of: c, d, i, p)"),
                    argumentSet("dotless i is not the kind i", "reply+\u0131-1-" + SIG_I_1_5 + "-5@" + DOMAIN,
                            Refusal.UNKNOWN_KIND, "unknown kind '\\u0131' (expected one of: c, d, i, p)"),
                    argumentSet("a thread id with a leading zero is bad", "reply+i-01-" + SIG_I_1_5 + "-5@" + DOMAIN,
                            Refusal.BAD_ID, "thread id '01'" + notDecimal),
                    argumentSet("a thread id with a sign is bad", "reply+i-+1-" + SIG_I_1_5 + "-5@" + DOMAIN,
                            Refusal.BAD_ID, "thread id '+1'" + notDecimal),
                    argumentSet("a thread id with a letter is bad", "reply+i-1x-" + SIG_I_1_5 + "-5@" + DOMAIN,
                            Refusal.BAD_ID, "thread id '1x'" + notDecimal),
                    argumentSet("a user id of zeros is bad", token + "-00@" + DOMAIN, Refusal.BAD_ID,
                            "user id '00'" + notDecimal),
                    argumentSet("a user id with a space is bad", token + "-5 @" + DOMAIN, Refusal.BAD_ID,
                            "user id '5 '" + notDecimal),
                    // Long.parseLong would read ARABIC-INDIC DIGIT ONE as 1.
                    argumentSet("non-ASCII digits are bad ids", "reply+i-\u0661-" + SIG_I_1_5 + "-5@" + DOMAIN,
                            Refusal.BAD_ID, "thread id '\\u0661'" + notDecimal),
                    argumentSet("a thread id above Long.MAX_VALUE overflows",
                            "reply+i-9223372036854775808-" + SIG_I_1_5 + "-5@" + DOMAIN, Refusal.ID_OVERFLOW,
                            "thread id '9223372036854775808'" + tooLarge),
                    argumentSet("a user id above Long.MAX_VALUE overflows", token + "-99999999999999999999@" + DOMAIN,
                            Refusal.ID_OVERFLOW, "user id '99999999999999999999'" + tooLarge),
                    argumentSet("a signature one digit short is refused before any HMAC",
                            "reply+i-1-" + SIG_I_1_5.substring(1) + "-5@" + DOMAIN, Refusal.BAD_SIGNATURE_LENGTH,
                            "signature has 39 characters" + hex),
                    argumentSet("a signature one digit long is refused before any HMAC", token + "0-5@" + DOMAIN,
                            Refusal.BAD_SIGNATURE_LENGTH, "signature has 41 characters" + hex),
                    argumentSet("a one-character signature is refused before any HMAC", "reply+i-1-a-5@" + DOMAIN,
                            Refusal.BAD_SIGNATURE_LENGTH, "signature has 1 character" + hex),
                    argumentSet("a signature with a non-hex character is refused",
                            "reply+i-1-" + SIG_I_1_5.substring(0, 39) + "g-5@" + DOMAIN, Refusal.BAD_SIGNATURE_LENGTH,
                            "signature has a non-hex character" + hex),
                    argumentSet("a signature that differs in one digit does not match",
                            "reply+i-1-" + SIG_I_1_5.substring(0, 39) + "c-5@" + DOMAIN, Refusal.BAD_SIGNATURE, noMatch),
                    argumentSet("the signature of another thread does not match",
                            "reply+i-2-" + SIG_I_1_5 + "-5@" + DOMAIN, Refusal.BAD_SIGNATURE, noMatch));
        }

        @ParameterizedTest(name = "{argumentSetName}")
        @MethodSource("refusedAddresses")
        void anAddressIsRefusedWithItsKindOfRefusalAndTheExactReason(String address, Refusal refusal, String reason) {
            assertRefused(address, refusal, reason);
        }

        @Test
        void addressSignedWithAKeyNoLongerConfiguredDoesNotMatch() {
            ReplyAddressCodec afterRotation = new ReplyAddressCodec("reply", DOMAIN, List.of("i"), List.of(KEY_B));

            AddressCheck check = afterRotation.check(ADDRESS_I_1_5);

            assertThat(check.refusal()).isEqualTo(Refusal.BAD_SIGNATURE);
            assertThat(check.toString()).isEqualTo("BAD_SIGNATURE: signature does not match");
        }
    }

    @Nested
    class KeyReplacement {

        @Test
        void replacedKeysSignFromNowOnAndOldAddressesStillVerifyWhileTheOldKeyIsListed() {
            ReplyAddressCodec live = new ReplyAddressCodec("reply", DOMAIN, List.of("i"), List.of(KEY_A));
            String before = live.mint(new ReplyToken("i", 1, 5));

            live.replaceKeys(List.of(KEY_B, KEY_A));

            assertThat(live.mint(new ReplyToken("i", 1, 5))).isNotEqualTo(before);
            assertThat(live.check(before).isValid()).isTrue();
        }

        @Test
        void droppingTheOldKeyRefusesItsAddresses() {
            ReplyAddressCodec live = new ReplyAddressCodec("reply", DOMAIN, List.of("i"), List.of(KEY_A));

            live.replaceKeys(List.of(KEY_B));

            assertThat(live.check(ADDRESS_I_1_5).refusal()).isEqualTo(Refusal.BAD_SIGNATURE);
        }

        @Test
        void anInvalidReplacementIsRefusedAndTheOldKeysStayInForce() {
            ReplyAddressCodec live = new ReplyAddressCodec("reply", DOMAIN, List.of("i"), List.of(KEY_A));

            assertThatThrownBy(() -> live.replaceKeys(List.of(KEY_B, "short".getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("address key #2 is 5 bytes (expected: at least 32 bytes)");
            assertThat(live.check(ADDRESS_I_1_5).isValid()).isTrue();
        }
    }
}
