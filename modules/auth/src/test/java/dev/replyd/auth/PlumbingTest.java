package dev.replyd.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Settings checks, and the line-end reader a verification rests on (the header section's is maildir's). */
class PlumbingTest {

    @Test
    void aZeroTimeoutIsRefusedNamingTheSettingAndAnExample() {
        assertThatThrownBy(() -> new SenderAuthenticator.Settings(List.of(), Duration.ZERO, "reply.test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DNS timeout PT0S (expected: positive, a few seconds, e.g. PT5S)");
    }

    @Test
    void aDnsServerGivenByNameIsRefused() {
        InetSocketAddress byName = InetSocketAddress.createUnresolved("dns.example", 53);

        assertThatThrownBy(() -> new SenderAuthenticator.Settings(List.of(byName), Duration.ofSeconds(2), "r.test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("DNS server dns.example")
                .hasMessageContaining("expected: an IP address and port");
    }

    @Property(tries = 500)
    void bareLineFeedsBecomeCrlfAndNothingElseChanges(@ForAll byte[] bytes) throws IOException {
        byte[] converted = new CrlfLineEndings(new ByteArrayInputStream(bytes)).readAllBytes();

        String expected = new String(bytes, StandardCharsets.ISO_8859_1).replaceAll("(?<!\r)\n", "\r\n");
        assertThat(new String(converted, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
