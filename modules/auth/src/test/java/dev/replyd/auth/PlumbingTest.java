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

/** Settings checks, and the readers a verification rests on: header section and line ends. */
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

    @Test
    void theHeaderSectionKeepsFoldedFieldsRawAndStopsAtTheEmptyLine() throws IOException {
        ByteArrayInputStream in = stream("From: a@example.com\r\nSubject: one\r\n\ttwo\r\nsubject : three\r\n"
                + "\r\nbody line\r\n");

        HeaderSection headers = HeaderSection.read(in);

        assertThat(headers.getFields()).containsExactly(
                "From: a@example.com", "Subject: one\r\n\ttwo", "subject : three");
        assertThat(headers.getFields("SUBJECT")).containsExactly("Subject: one\r\n\ttwo", "subject : three");
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("body line\r\n");
    }

    @Test
    void onlyReplydsLeadingTraceFieldsAreSetAside() throws IOException {
        HeaderSection headers = HeaderSection.read(stream("Return-Path: <a@example.com>\r\nDelivered-To: r@x\r\n"
                + "Received: from ours\r\nReceived: from theirs\r\nReturn-Path: <forged@example.com>\r\n"
                + "From: a@example.com\r\n\r\n"));

        assertThat(headers.withoutReplydTrace().getFields()).containsExactly(
                "Received: from theirs", "Return-Path: <forged@example.com>", "From: a@example.com");
        HeaderSection plain = HeaderSection.read(stream("Received: from theirs\r\nFrom: a@example.com\r\n\r\n"));
        assertThat(plain.withoutReplydTrace().getFields()).hasSize(2);
    }

    @Test
    void aHeaderSectionLargerThanTheLimitIsRefused() {
        String huge = "X-Filler: " + "x".repeat(HeaderSection.MAX_HEADER_BYTES) + "\r\n\r\n";

        assertThatThrownBy(() -> HeaderSection.read(stream(huge)))
                .isInstanceOf(HeaderSection.TooLarge.class)
                .hasMessageStartingWith("header section exceeds 1048576 bytes");
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
