package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.replyd.maildir.Maildir;
import dev.replyd.testing.Await;
import dev.replyd.testing.LeakCheck;
import dev.replyd.testing.RecordingLog;
import dev.replyd.testing.SmtpClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PROXY protocol (HAProxy's proxy-protocol.txt) on a real listener, written as raw bytes: the
 * balancer on 127.0.0.1 is trusted, a client on 127.0.0.2 is not.
 */
class ProxyProtocolTest {
    @RegisterExtension final LeakCheck leaks = LeakCheck.threads("replyd-smtp").listeningPorts();
    @RegisterExtension final RecordingLog mailLog = new RecordingLog("mail");

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    @TempDir
    Path storage;

    @TempDir
    Path work;

    private SmtpServer server;
    private Maildir maildir;

    @AfterEach
    void release() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} from the trusted balancer makes the announced client the client")
    @MethodSource("announcedClients")
    void headerFromTrustedBalancerMakesTheAnnouncedClientTheClient(List<byte[]> header, String trusted, String received,
            String logged) throws Exception {
        // given
        start(ProxyProtocolSettings.trusting(List.of(trusted)), UnaryOperator.identity());

        // when
        try (SmtpClient smtp = SmtpClient.beforeGreeting(server.address().getPort())) {
            writeApart(smtp, header);
            smtp.expect("220");
            deliverOne(smtp);
        }

        // then
        assertThat(onlyMessage()).contains("Received: from client.example.org (unknown [" + received + "])");
        assertThat(mailLog.messages()).contains("connect from unknown[" + logged + "] via unknown[127.0.0.1]");
    }

    /** A header in the pieces it is written in, the balancer's trusted range, the client as Received and the log show it. */
    static Stream<Arguments> announcedClients() throws Exception {
        // an IPv6 client as AWS NLB announces it, with its VPC endpoint TLV and a NOOP TLV
        byte[] v2 = v2Proxy("2001:db8::7", "2001:db8::25", 40000, 25,
                tlv(0xEA, "\u0001vpce-08d2bf15fac5001c9"), tlv(0x04, "\0\0\0"));
        return Stream.of(
                arguments(named("a v1 header", List.of(ascii("PROXY TCP4 203.0.113.7 192.0.2.25 40000 25\r\n"))),
                        "127.0.0.1/32", "203.0.113.7", "203.0.113.7"),
                arguments(named("a v2 header with TLVs in three reads, the first shorter than the signature",
                        List.of(Arrays.copyOfRange(v2, 0, 5), Arrays.copyOfRange(v2, 5, 20),
                                Arrays.copyOfRange(v2, 20, v2.length))),
                        "127.0.0.0/8", "IPv6:2001:db8:0:0:0:0:0:7", "2001:db8:0:0:0:0:0:7"));
    }

    @Test
    void v1HeaderSplitInsideTheLineIsRead() throws Exception {
        // given
        start(ProxyProtocolSettings.trusting(List.of("127.0.0.1")), UnaryOperator.identity());

        // when: "\r" and "\n" in separate writes, EHLO right behind the header in the same write
        try (SmtpClient smtp = SmtpClient.beforeGreeting(server.address().getPort())) {
            writeApart(smtp, List.of(ascii("PROXY TCP4 198.51"), ascii(".100.9 192.0.2.25 40000 25\r"),
                    ascii("\nEHLO client.example.org\r\n")));

            // then
            smtp.expect("220");
            smtp.expect("250");
        }
        assertThat(mailLog.messages()).contains("connect from unknown[198.51.100.9] via unknown[127.0.0.1]");
    }

    @Test
    void forgedHeaderFromUntrustedAddressIsRefusedAndLoggedOnce() throws Exception {
        // given: only 127.0.0.1 is a balancer; the client connects from 127.0.0.2
        start(ProxyProtocolSettings.trusting(List.of("127.0.0.1/32")), UnaryOperator.identity());

        // when
        try (SmtpClient smtp = SmtpClient.beforeGreeting(from("127.0.0.2"))) {
            smtp.expect("220");
            smtp.write("PROXY TCP4 10.9.9.9 192.0.2.25 40000 25\r\nEHLO forged.example.org\r\n");

            // then
            assertThat(smtp.closedByServer()).isTrue();
        }
        String refusal = "warning: PROXY protocol: header from an untrusted address"
                + " (not in smtp.proxy-protocol.trusted) from unknown[127.0.0.2]; connection closed";
        awaitLogLine(refusal);
        assertThat(mailLog.messages()).containsOnlyOnce(refusal);
        assertThat(mailLog.messages()).noneMatch(line -> line.contains("10.9.9.9"));
    }

    @Test
    void forgedV2HeaderFromUntrustedAddressIsRefused() throws Exception {
        // given
        start(ProxyProtocolSettings.trusting(List.of("127.0.0.1/32")), UnaryOperator.identity());

        // when
        try (SmtpClient smtp = SmtpClient.beforeGreeting(from("127.0.0.2"))) {
            smtp.expect("220");
            smtp.write(v2Proxy("10.9.9.9", "192.0.2.25", 40000, 25));

            // then
            assertThat(smtp.closedByServer()).isTrue();
        }
        awaitLogLine("warning: PROXY protocol: header from an untrusted address"
                + " (not in smtp.proxy-protocol.trusted) from unknown[127.0.0.2]; connection closed");
    }

    @Test
    void directClientFromUntrustedAddressIsServedAsWithoutProxySupport() throws Exception {
        // given
        start(ProxyProtocolSettings.trusting(List.of("127.0.0.1/32")), UnaryOperator.identity());

        // when: the first byte already differs from both signatures
        try (SmtpClient smtp = SmtpClient.beforeGreeting(from("127.0.0.2"))) {
            smtp.expect("220");
            writeApart(smtp, List.of(ascii("E"), ascii("HLO client.example.org\r\n")));
            smtp.expect("250");
            deliverAfterEhlo(smtp);
        }

        // then
        assertThat(onlyMessage()).contains("Received: from client.example.org (unknown [127.0.0.2])");
    }

    @Test
    void trustedBalancerWithoutHeaderIsRefusedWithoutGreeting() throws Exception {
        // given
        start(ProxyProtocolSettings.trusting(List.of("127.0.0.1/32")), UnaryOperator.identity());

        // when: plain SMTP from the balancer's address
        try (Socket socket = new Socket("127.0.0.1", server.address().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("EHLO client.example.org\r\n".getBytes(StandardCharsets.US_ASCII));

            // then: closed, and not one byte of greeting was sent
            assertThat(readAll(socket)).isEmpty();
        }
        awaitLogLine("warning: PROXY protocol: invalid header (unknown identifier: EHLO) from unknown[127.0.0.1];"
                + " connection closed");
    }

    @Test
    void trustedBalancerSilentPastTheHeaderTimeoutIsRefused() throws Exception {
        // given
        start(new ProxyProtocolSettings(true, List.of("127.0.0.1/32"), Duration.ofMillis(300)), UnaryOperator.identity());

        // when: nothing is sent
        try (Socket socket = new Socket("127.0.0.1", server.address().getPort())) {
            socket.setSoTimeout(10_000);

            // then
            assertThat(readAll(socket)).isEmpty();
        }
        awaitLogLine("warning: PROXY protocol: no PROXY header within 300 ms from unknown[127.0.0.1]; connection closed");
    }

    @Test
    void localCommandOfAHealthCheckGetsASessionWithTheBalancersAddress() throws Exception {
        // given
        start(ProxyProtocolSettings.trusting(List.of("127.0.0.1/32")), UnaryOperator.identity());
        byte[] local = new byte[16];
        System.arraycopy(V2_SIGNATURE, 0, local, 0, 12);
        local[12] = 0x20; // version 2, LOCAL
        local[13] = 0x00; // AF_UNSPEC

        // when
        try (SmtpClient smtp = SmtpClient.beforeGreeting(server.address().getPort())) {
            smtp.write(local);
            smtp.expect("220");
            smtp.writeLine("QUIT");
            smtp.expect("221");
        }

        // then
        assertThat(mailLog.messages()).contains("connect from unknown[127.0.0.1]");
    }

    @Test
    void perIpConnectionLimitCountsTheAnnouncedClients() throws Exception {
        // given: one connection per client IP, all through the same balancer
        start(ProxyProtocolSettings.trusting(List.of("127.0.0.1/32")), s -> s.withConnectionLimits(10, 1));

        // when
        try (SmtpClient first = SmtpClient.beforeGreeting(server.address().getPort());
                SmtpClient sameClient = SmtpClient.beforeGreeting(server.address().getPort());
                SmtpClient otherClient = SmtpClient.beforeGreeting(server.address().getPort())) {
            first.write("PROXY TCP4 203.0.113.7 192.0.2.25 40000 25\r\n");
            first.expect("220");
            sameClient.write("PROXY TCP4 203.0.113.7 192.0.2.25 40001 25\r\n");
            otherClient.write("PROXY TCP4 203.0.113.8 192.0.2.25 40002 25\r\n");

            // then
            assertThat(sameClient.reply()).startsWith("421 4.7.0");
            otherClient.expect("220");
        }
    }

    @Test
    void startTlsWorksBehindTheProxyHeader() throws Exception {
        // given
        Path[] pem = ExternalCommand.selfSignedCertificate(work, "replyd");
        start(ProxyProtocolSettings.trusting(List.of("127.0.0.1/32")), s -> s.withTls(pem[0], pem[1]));

        // when
        try (SmtpClient smtp = SmtpClient.beforeGreeting(server.address().getPort())) {
            smtp.write("PROXY TCP4 203.0.113.7 192.0.2.25 40000 25\r\n");
            smtp.expect("220");
            smtp.writeLine("EHLO client.example.org");
            assertThat(smtp.expect("250")).contains("STARTTLS");
            smtp.startTls();
            smtp.writeLine("EHLO client.example.org");
            smtp.expect("250");
            deliverAfterEhlo(smtp);
        }

        // then
        assertThat(onlyMessage()).contains("Received: from client.example.org (unknown [203.0.113.7])")
                .contains("with ESMTPS id ");
    }

    private void start(ProxyProtocolSettings proxy, UnaryOperator<SmtpSettings> customize) throws Exception {
        maildir = Maildir.open(storage);
        server = SmtpServer.start(customize.apply(TestServer.settings()), proxy, TestServer.codec(), maildir,
                new SimpleMeterRegistry(), InFlowDelay.off());
    }

    private void deliverOne(SmtpClient smtp) throws Exception {
        smtp.writeLine("EHLO client.example.org");
        smtp.expect("250");
        deliverAfterEhlo(smtp);
    }

    private void deliverAfterEhlo(SmtpClient smtp) throws Exception {
        String to = TestServer.codec().mint(new dev.replyd.address.ReplyToken("i", 1, 5));
        assertThat(smtp.sendMessage("alice@example.org", to, "Subject: hi\r\n\r\nthanks\r\n")).startsWith("250 2.0.0");
        smtp.writeLine("QUIT");
        smtp.expect("221");
    }

    private String onlyMessage() throws Exception {
        try (var files = java.nio.file.Files.list(storage.resolve(dev.replyd.maildir.MaildirLayout.NEW))) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            return java.nio.file.Files.readString(all.get(0), StandardCharsets.ISO_8859_1);
        }
    }

    /** The close reaches the client before the log line is written: wait for it, generously. */
    private void awaitLogLine(String expected) throws InterruptedException {
        Await.within(Duration.ofSeconds(30), () -> mailLog.messages().contains(expected));
        assertThat(mailLog.messages()).contains(expected);
    }

    private Socket from(String localAddress) throws Exception {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()));
        return socket;
    }

    private static byte[] readAll(Socket socket) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[256];
        int n;
        while ((n = socket.getInputStream().read(buffer)) != -1) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** A v2 PROXY header for TCP over IPv4 or IPv6 (by the addresses' family), with TLVs appended. */
    static byte[] v2Proxy(String source, String destination, int sourcePort, int destinationPort, byte[]... tlvs)
            throws Exception {
        byte[] src = InetAddress.getByName(source).getAddress();
        byte[] dst = InetAddress.getByName(destination).getAddress();
        ByteArrayOutputStream tlvBytes = new ByteArrayOutputStream();
        for (byte[] tlv : tlvs) {
            tlvBytes.write(tlv);
        }
        int length = src.length * 2 + 4 + tlvBytes.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(V2_SIGNATURE);
        out.write(0x21); // version 2, PROXY
        out.write(src.length == 4 ? 0x11 : 0x21); // TCP over IPv4 / IPv6
        out.write(length >> 8);
        out.write(length & 0xff);
        out.write(src);
        out.write(dst);
        out.write(sourcePort >> 8);
        out.write(sourcePort & 0xff);
        out.write(destinationPort >> 8);
        out.write(destinationPort & 0xff);
        out.write(tlvBytes.toByteArray());
        return out.toByteArray();
    }

    private static byte[] tlv(int type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        byte[] tlv = new byte[3 + bytes.length];
        tlv[0] = (byte) type;
        tlv[1] = (byte) (bytes.length >> 8);
        tlv[2] = (byte) bytes.length;
        System.arraycopy(bytes, 0, tlv, 3, bytes.length);
        return tlv;
    }

    /** Writes each piece in a write of its own, 50 ms apart, so that the server reads them separately. */
    private static void writeApart(SmtpClient smtp, List<byte[]> pieces) throws Exception {
        for (int i = 0; i < pieces.size(); i++) {
            if (i > 0) {
                Thread.sleep(50);
            }
            smtp.write(pieces.get(i));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
