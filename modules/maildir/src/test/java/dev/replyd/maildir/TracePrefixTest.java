package dev.replyd.maildir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/** The trace prefix: the exact bytes the SMTP side stores, and the facts read back from them. */
class TracePrefixTest {

    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 11, 28, 1, 2, 3, 0, ZoneOffset.UTC);
    private static final String RCPT = "reply+i-1-0123456789abcdef0123456789abcdef01234567-5@reply.test";
    private static final String QUEUE_ID = "0A1B2C3D4E5F";

    /** Every fact a trace prefix gives, null for one it does not give: a test states them all at once. */
    record Facts(int fields, String sender, String recipient, String helo, String clientIp, String queueId) {
        static Facts of(TracePrefix trace) {
            return new Facts(trace.fieldCount(), trace.sender().orElse(null), trace.recipient().orElse(null),
                    trace.helo().orElse(null), trace.clientIp().orElse(null), trace.queueId().orElse(null));
        }
    }

    @Test
    void aPlainSessionIsStoredAsTodayAndReadBackWhole() throws IOException {
        byte[] file = stored("alice@example.org", List.of(RCPT), "mail.example.org", client("192.0.2.1"), "ESMTP",
                Optional.empty(), "Delivered-To: someone@else.example\r\nFrom: a@example.org\r\n\r\nbody\r\n");

        assertThat(new String(file, StandardCharsets.UTF_8)).startsWith("Return-Path: <alice@example.org>\r\n"
                + "Delivered-To: " + RCPT + "\r\n"
                + "Received: from mail.example.org (unknown [192.0.2.1])\r\n"
                + "\tby reply.test (replyd) with ESMTP id 0A1B2C3D4E5F\r\n"
                + "\tfor <" + RCPT + ">; Sat, 28 Nov 2026 01:02:03 +0000\r\n"
                + "Delivered-To: someone@else.example\r\n");
        assertThat(readBack(file)).isEqualTo(new Facts(3, "alice@example.org", RCPT, "mail.example.org", "192.0.2.1", QUEUE_ID));
    }

    @Test
    void anIpv6ClientOverTlsGetsTheTlsCommentAndAnIpv6LiteralWithoutItsZone() throws IOException {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("fe80::1%1"), 40000);
        byte[] file = stored("bob@example.org", List.of(RCPT), "mx.example.org", v6, "ESMTPS",
                Optional.of(tls("TLSv1.3", "TLS_AES_256_GCM_SHA384")), "From: b@example.org\r\n\r\nbody\r\n");

        assertThat(new String(file, StandardCharsets.UTF_8)).contains(
                "Received: from mx.example.org (unknown [IPv6:fe80:0:0:0:0:0:0:1])\r\n"
                + "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n"
                + "\tby reply.test (replyd) with ESMTPS id 0A1B2C3D4E5F\r\n");
        assertThat(readBack(file)).isEqualTo(
                new Facts(3, "bob@example.org", RCPT, "mx.example.org", "fe80:0:0:0:0:0:0:1", QUEUE_ID));
    }

    @Test
    void withoutHeloTheClientsAddressLiteralStandsInAndTheNullSenderReadsAsEmpty() throws IOException {
        byte[] file = stored("", List.of(RCPT), null, client("198.51.100.7"), "SMTP", Optional.empty(),
                "Subject: x\r\n\r\n");

        assertThat(new String(file, StandardCharsets.UTF_8)).startsWith("Return-Path: <>\r\n")
                .contains("Received: from [198.51.100.7] (unknown [198.51.100.7])\r\n");
        assertThat(readBack(file)).isEqualTo(new Facts(3, "", RCPT, "[198.51.100.7]", "198.51.100.7", QUEUE_ID));
    }

    @Test
    void aHostileHeloCanForgeNeitherALineNorACommentNorTheQueueId() throws IOException {
        String helo = "evil (forged [203.0.113.9]) by x (replyd) with ESMTP id FAKE; \r\nX-Injected: 1";
        byte[] file = stored("m@example.org", List.of(RCPT), helo, client("192.0.2.1"), "ESMTP", Optional.empty(),
                "\r\n");

        String text = new String(file, StandardCharsets.UTF_8);
        assertThat(text).contains("Received: from evilforged[203.0.113.9]byxreplydwithESMTPidFAKEX-Injected:1 "
                + "(unknown [192.0.2.1])\r\n").doesNotContain("\r\nX-Injected");
        assertThat(readBack(file)).isEqualTo(new Facts(3, "m@example.org", RCPT,
                "evilforged[203.0.113.9]byxreplydwithESMTPidFAKEX-Injected:1", "192.0.2.1", QUEUE_ID));
    }

    @Test
    void aHeloIsCutAt255CharactersAndAnUnknownClientIsNoIp() throws IOException {
        byte[] file = stored("m@example.org", List.of(RCPT), "h".repeat(1000), null, "ESMTP", Optional.empty(), "\r\n");

        assertThat(new String(file, StandardCharsets.UTF_8)).contains("(unknown [unknown])");
        assertThat(readBack(file)).isEqualTo(new Facts(3, "m@example.org", RCPT, "h".repeat(255), null, QUEUE_ID));
    }

    @Test
    void severalRecipientsAreNotNamedInTheSharedReceivedField() throws IOException {
        byte[] file = stored("m@example.org", List.of(RCPT, "postmaster@reply.test"), "h.example", client("192.0.2.1"),
                "ESMTP", Optional.empty(), "\r\n");

        assertThat(new String(file, StandardCharsets.UTF_8))
                .contains("\tby reply.test (replyd) with ESMTP id 0A1B2C3D4E5F; Sat, 28 Nov 2026 01:02:03 +0000\r\n")
                .doesNotContain("for <");
        assertThat(readBack(file)).isEqualTo(new Facts(3, "m@example.org", RCPT, "h.example", "192.0.2.1", QUEUE_ID));
    }

    @Test
    void aFileWithoutOurPrefixHasNoFactsEvenWhenItsOwnTraceFieldsComeLater() throws IOException {
        TracePrefix trace = TracePrefix.read(stream("From: a@example.org\r\nReturn-Path: <forged@example.org>\r\n"
                + "Delivered-To: " + RCPT + "\r\nReceived: from x (unknown [192.0.2.9]) by y (replyd) with ESMTP id F\r\n"
                + "\r\nbody\r\n"));

        assertThat(Facts.of(trace)).isEqualTo(new Facts(0, null, null, null, null, null));
        assertThat(TracePrefix.read(stream("")).sender()).isEmpty();
        assertThat(TracePrefix.read(stream("not a header at all")).recipient()).isEmpty();
    }

    @Test
    void aForwardedMessageKeepsItsOwnDeliveredToAndReceivedButOnlyOursAreRead() throws IOException {
        byte[] file = stored("list@example.org", List.of(RCPT), "relay.example", client("192.0.2.1"), "ESMTP",
                Optional.empty(), "Received: from evil (unknown [203.0.113.66]) by elsewhere (replyd) with ESMTP id BAD\r\n"
                        + "Delivered-To: old-owner@example.net\r\nReturn-Path: <forged@example.net>\r\n"
                        + "From: a@example.org\r\n\r\nbody\r\n");

        assertThat(readBack(file)).isEqualTo(new Facts(3, "list@example.org", RCPT, "relay.example", "192.0.2.1", QUEUE_ID));
        HeaderSection section = HeaderSection.read(new ByteArrayInputStream(file), StandardCharsets.UTF_8);
        assertThat(section.withoutReplydTrace().fields()).first().asString().startsWith("Received: from evil");
    }

    @Test
    void readingStopsAtTheLimitAndALeadingFieldTheLimitCutIsNotRead() throws IOException {
        String huge = "x".repeat(TracePrefix.MAX_PREFIX_BYTES);
        CountingStream in = new CountingStream(("Return-Path: <a@example.org>\r\nDelivered-To: " + huge + "\r\n"
                + "Received: from h (unknown [192.0.2.1])\r\n\r\nbody").getBytes(StandardCharsets.US_ASCII));

        TracePrefix trace = TracePrefix.read(in);

        assertThat(in.consumed()).isEqualTo(TracePrefix.MAX_PREFIX_BYTES);
        assertThat(trace.sender()).contains("a@example.org");
        assertThat(trace.recipient()).isEmpty();
        assertThat(trace.clientIp()).isEmpty();
    }

    @Test
    void aUtf8SenderAndRecipientAreStoredAsUtf8() throws IOException {
        byte[] file = stored("josé@correo.example", List.of(RCPT), "h", client("192.0.2.1"), "UTF8SMTP",
                Optional.empty(), "\r\n");

        assertThat(new String(file, StandardCharsets.UTF_8)).contains("with UTF8SMTP id");
        assertThat(readBack(file)).isEqualTo(new Facts(3, "josé@correo.example", RCPT, "h", "192.0.2.1", QUEUE_ID));
    }

    private static Facts readBack(byte[] file) throws IOException {
        return Facts.of(TracePrefix.read(new ByteArrayInputStream(file)));
    }

    private static byte[] stored(String sender, List<String> recipients, String helo, InetSocketAddress client,
            String protocol, Optional<SSLSession> tls, String message) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(TracePrefix.recipientFields(sender, recipients.get(0)));
        file.writeBytes(TracePrefix.receivedField(helo, client, protocol, tls, "reply.test", QUEUE_ID, recipients,
                NOW));
        file.writeBytes(message.getBytes(StandardCharsets.UTF_8));
        return file.toByteArray();
    }

    private static InetSocketAddress client(String ip) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(ip), 40000);
    }

    /** Only the two values the Received field shows; every other call is a test bug. */
    private static SSLSession tls(String protocol, String cipher) {
        return (SSLSession) Proxy.newProxyInstance(TracePrefixTest.class.getClassLoader(),
                new Class<?>[] {SSLSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProtocol" -> protocol;
                    case "getCipherSuite" -> cipher;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static final class CountingStream extends ByteArrayInputStream {
        private final int size;

        CountingStream(byte[] bytes) {
            super(bytes);
            this.size = bytes.length;
        }

        int consumed() {
            return size - available();
        }
    }
}
