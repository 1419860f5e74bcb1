package dev.replyd.address;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Known answers from {@code reply-address-vectors.tsv}, computed outside Java (python3 hmac, cross-checked
 * with openssl), so a wrong signed text, key encoding or truncation fails here.
 */
class ReplyAddressVectorsTest {

    private static final String DOMAIN = "reply.tracker.example.com";

    record Vector(String key, String kind, long thread, long user, String address) {
        byte[] keyBytes() {
            return key.getBytes(StandardCharsets.UTF_8);
        }

        ReplyToken token() {
            return new ReplyToken(kind, thread, user);
        }
    }

    private static List<Vector> vectors;
    private static Set<String> kinds;

    @BeforeAll
    static void readVectors() throws IOException {
        vectors = new ArrayList<>();
        kinds = new TreeSet<>();
        try (InputStream in = ReplyAddressVectorsTest.class.getResourceAsStream("/reply-address-vectors.tsv")) {
            assertThat(in).as("reply-address-vectors.tsv on the test classpath").isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t", -1);
                assertThat(columns).as("columns of: %s", line).hasSize(5);
                vectors.add(new Vector(columns[0], columns[1], Long.parseLong(columns[2]), Long.parseLong(columns[3]),
                        columns[4]));
                kinds.add(columns[1]);
            }
        }
    }

    private static ReplyAddressCodec codecFor(Vector vector) {
        return new ReplyAddressCodec("reply", DOMAIN, kinds, List.of(vector.keyBytes()));
    }

    @Test
    void fileHasAtLeastSixVectorsWithSeveralKeysKindsAndExtremeIds() {
        assertThat(vectors).hasSizeGreaterThanOrEqualTo(6);
        assertThat(vectors.stream().map(Vector::key).distinct().count()).isGreaterThanOrEqualTo(3);
        assertThat(kinds).hasSizeGreaterThanOrEqualTo(4);
        assertThat(vectors).extracting(Vector::thread).contains(0L, Long.MAX_VALUE);
        assertThat(vectors).anyMatch(v -> v.key().length() != v.keyBytes().length); // a non-ASCII key
    }

    @Test
    void mintProducesTheKnownAddressForEveryVector() {
        for (Vector vector : vectors) {
            assertThat(codecFor(vector).mint(vector.token())).as("mint %s", vector).isEqualTo(vector.address());
        }
    }

    @Test
    void signatureIsTheFortyHexDigitsInTheKnownAddress() {
        for (Vector vector : vectors) {
            String sig = vector.address().split("-")[2];
            assertThat(codecFor(vector).signature(vector.token())).as("signature %s", vector).isEqualTo(sig);
        }
    }

    @Test
    void checkAcceptsEveryKnownAddressAndReturnsItsToken() {
        for (Vector vector : vectors) {
            AddressCheck check = codecFor(vector).check(vector.address());
            assertThat(check.isValid()).as("check %s: %s", vector, check).isTrue();
            assertThat(check.token()).contains(vector.token());
        }
    }

    @Test
    void knownAddressVerifiesWhenItsKeyIsTheSecondOfTwo() {
        // given a codec that signs with another vector's key but still holds this one
        for (Vector vector : vectors) {
            Vector other = vectors.stream().filter(v -> !v.key().equals(vector.key())).findFirst().orElseThrow();
            ReplyAddressCodec rotated = new ReplyAddressCodec("reply", DOMAIN, kinds,
                    List.of(other.keyBytes(), vector.keyBytes()));

            // when / then
            assertThat(rotated.check(vector.address()).token()).as("rotated %s", vector).contains(vector.token());
        }
    }

    @Test
    void knownAddressIsRefusedByACodecWithoutItsKey() {
        for (Vector vector : vectors) {
            Vector other = vectors.stream().filter(v -> !v.key().equals(vector.key())).findFirst().orElseThrow();
            ReplyAddressCodec stranger = new ReplyAddressCodec("reply", DOMAIN, kinds, List.of(other.keyBytes()));

            AddressCheck check = stranger.check(vector.address());

            assertThat(check.refusal()).as("stranger %s", vector).isEqualTo(Refusal.BAD_SIGNATURE);
            assertThat(check.reason()).isEqualTo("signature does not match");
        }
    }
}
