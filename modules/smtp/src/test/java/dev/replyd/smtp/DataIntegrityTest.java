package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.replyd.address.ReplyToken;
import dev.replyd.testing.SmtpClient;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * What reaches new/ is exactly what the client meant, or nothing: SMTP smuggling variants, bare CR/LF,
 * over-long lines, dot-stuffing, bytes split awkwardly across writes, pipelined commands, SIZE.
 * Raw sockets: a well-behaved client never shows these cases.
 */
class DataIntegrityTest {
    @RegisterExtension final TestServers servers = new TestServers();

    /** The reply address the tests write to; a smuggled message would be accepted for it. */
    private static final String REPLY = TestServer.codec().mint(new ReplyToken("i", 9, 9));

    private static final String SMUGGLED = "MAIL FROM:<admin@bank.example>\r\nRCPT TO:<" + REPLY + ">\r\nDATA\r\n"
            + "Subject: smuggled\r\n\r\nforged\r\n.\r\n";

    private TestServer replyd;

    @BeforeEach
    void start() throws IOException {
        replyd = servers.start(settings -> settings.withLimits(64 * 1024, 50));
    }

    @ParameterizedTest(name = "{0} is refused with 550 5.5.2, the session closed and nothing stored")
    @MethodSource("bareLineBreaksInMessageData")
    void bareCarriageReturnOrLineFeedInMessageDataIsRefusedAndNothingIsStored(String data) throws Exception {
        // given
        try (SmtpClient smtp = open()) {
            // when
            smtp.write(data);

            // then
            assertThat(smtp.reply()).isEqualTo("550 5.5.2 Error: bare <CR> or <LF> received in message data");
            assertThat(smtp.closedByServer()).isTrue();
        }
        replyd.assertNothingStored();
    }

    /** Message data (up to and past the real end) with a bare CR or LF, most of them smuggling a second message. */
    static Stream<Arguments> bareLineBreaksInMessageData() {
        Stream<Arguments> smugglingEndsOfData = Stream.of("\\n.\\n", "\\r\\n.\\n", "\\n.\\r\\n", "\\r.\\r\\n", "\\n.a\\n")
                .map(variant -> arguments(named("the smuggling end-of-data variant " + variant,
                        "Subject: hello\r\n\r\nfirst part" + variant.replace("\\r", "\r").replace("\\n", "\n")
                                + SMUGGLED + "more\r\n.\r\n")));
        return Stream.concat(smugglingEndsOfData, Stream.of(
                arguments(named("a line of only a dot ended by a bare LF",
                        "Subject: x\r\n\r\nbody\r\n.\n" + SMUGGLED)),
                arguments(named("a bare CR inside a line", "Subject: x\r\n\r\nabc\rdef\r\n.\r\n")),
                arguments(named("a bare LF after the first piece of a long line",
                        "Subject: x\r\n\r\n" + "z".repeat(9000) + "\n.\n" + SMUGGLED + ".\r\n"))));
    }

    @Test
    void bareLineFeedSplitAcrossWritesIsStillRefused() throws Exception {
        // given
        try (SmtpClient smtp = open()) {
            // when: "\r" and "\n" of good lines in separate writes, then a bare LF in a write of its own
            for (String part : new String[] {"Subject: x\r", "\n\r\nbody", "\r", "\n", "second line", "\n"}) {
                smtp.write(part);
                Thread.sleep(15);
            }

            // then
            assertThat(smtp.reply()).startsWith("550 5.5.2");
        }
        replyd.assertNothingStored();
    }

    @Test
    void crLfSplitAcrossWritesAndDotStuffingAreStoredExactly() throws Exception {
        // given
        try (SmtpClient smtp = open()) {
            // when
            for (String part : new String[] {"Subject: split\r", "\n\r", "\n..leading dot\r\n", ".", ".\r\n", "end\r", "\n.", "\r", "\n"}) {
                smtp.write(part);
                Thread.sleep(15);
            }

            // then
            assertThat(smtp.reply()).startsWith("250 2.0.0 Ok: queued as ");
        }
        assertThat(replyd.onlyMessage()).endsWith("\r\nSubject: split\r\n\r\n.leading dot\r\n.\r\nend\r\n");
    }

    @Test
    void dataLinesLongerThanTheCommandLimitAreStoredExactlyAsSent() throws Exception {
        // given (under the 64 KiB limit): lines around and beyond 8192 bytes, one whose second piece is ".\r\n", one whose
        // CR falls on a piece boundary, one of dots only, and a line starting with a stuffed dot
        String body = "Subject: long\r\nX-Long: " + "h".repeat(9000) + "\r\n\r\n"
                + "a".repeat(8190) + "\r\n"
                + "b".repeat(8191) + "\r\n"
                + "c".repeat(8192) + "\r\n"
                + "d".repeat(8192) + ".\r\n"
                + "e".repeat(12_000) + "\r\n"
                + ".".repeat(8500) + "\r\n"
                + "end\r\n";
        String stuffed = body.replace("\r\n.", "\r\n..");
        try (SmtpClient smtp = open()) {
            // when
            smtp.write(stuffed + ".\r\n");

            // then
            assertThat(smtp.reply()).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(smtp.sendMessage("alice@example.org", REPLY, "Subject: next\r\n\r\nstill in step\r\n"))
                    .startsWith("250 2.0.0");
        }
        List<String> stored = replyd.newFiles().stream().map(replyd::read).toList();
        assertThat(stored).hasSize(2);
        assertThat(stored).anySatisfy(text -> assertThat(text).endsWith("\r\n" + body));
        assertThat(stored).anySatisfy(text -> assertThat(text).endsWith("\r\nstill in step\r\n"));
    }

    @Test
    void singleLineLargerThanTheSizeLimitIsRefusedWith552AndTheSessionStaysInStep() throws Exception {
        // given: the limit is 64 KiB
        try (SmtpClient smtp = open()) {
            // when
            smtp.write("Subject: big\r\n\r\n" + "w".repeat(100_000) + "\r\n.\r\n");

            // then
            assertThat(smtp.reply()).isEqualTo("552 5.3.4 Error: message file too big");
            assertThat(smtp.send("NOOP")).startsWith("250");
        }
        replyd.assertNothingStored();
    }

    @Test
    void overLongCommandLineClosesTheSessionWith500() throws Exception {
        // given
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            // when
            smtp.writeLine("MAIL FROM:<" + "x".repeat(10_000) + "@example.org>");

            // then
            assertThat(smtp.reply()).isEqualTo("500 5.5.6 Error: line too long");
            assertThat(smtp.closedByServer()).isTrue();
        }
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws Exception {
        // given
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            // when: RFC 2920 pipelining, everything up to DATA in one write
            smtp.write("MAIL FROM:<alice@example.org>\r\nRCPT TO:<victim@gmail.com>\r\nRCPT TO:<" + REPLY
                    + ">\r\nRCPT TO:<nobody@reply.tracker.test>\r\nDATA\r\n");

            // then
            assertThat(smtp.reply()).startsWith("250 2.1.0");
            assertThat(smtp.reply()).startsWith("550 5.7.1");
            assertThat(smtp.reply()).startsWith("250 2.1.5");
            assertThat(smtp.reply()).startsWith("550 5.1.1");
            assertThat(smtp.reply()).startsWith("354");
            smtp.write("Subject: p\r\n\r\npipelined\r\n.\r\nQUIT\r\n");
            assertThat(smtp.reply()).startsWith("250 2.0.0");
            assertThat(smtp.reply()).startsWith("221");
        }
        assertThat(replyd.onlyMessage()).endsWith("\r\npipelined\r\n");
    }

    @Test
    void mailBeforeHeloIsRefused() throws Exception {
        // given
        try (SmtpClient smtp = SmtpClient.beforeGreeting(replyd.port())) {
            smtp.expect("220");

            // when
            smtp.writeLine("MAIL FROM:<alice@example.org>");

            // then
            assertThat(smtp.reply()).isEqualTo("503 5.5.0 Need HELO or EHLO before MAIL");
        }
    }

    @Test
    void ehloAdvertisesExactlyTheExtensionsAndSizeWithoutTlsOrAuth() throws Exception {
        // given
        try (SmtpClient smtp = SmtpClient.beforeGreeting(replyd.port())) {
            assertThat(smtp.reply()).isEqualTo("220 tracker.test ESMTP replyd");

            // when
            smtp.writeLine("EHLO client.example.org");

            // then
            // No STARTTLS, AUTH or REQUIRETLS without a certificate; CHUNKING and SMTPUTF8 always.
            assertThat(smtp.reply()).isEqualTo("""
                    250-tracker.test Hello client.example.org [127.0.0.1]
                    250-PIPELINING
                    250-ENHANCEDSTATUSCODES
                    250-8BITMIME
                    250-SMTPUTF8
                    250-CHUNKING
                    250 SIZE 65536""");
        }
    }

    @Test
    void sizeParameterAboveTheLimitIsRefusedAtMailFrom() throws Exception {
        // given
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            // when
            smtp.writeLine("MAIL FROM:<alice@example.org> SIZE=65537");

            // then
            assertThat(smtp.reply()).startsWith("552 5.3.4");
            assertThat(smtp.send("MAIL FROM:<alice@example.org> SIZE=65536")).startsWith("250");
        }
    }

    @Test
    void messageGrowingPastTheLimitIsRefusedWith552AfterTheDotAndNotStored() throws Exception {
        // given
        try (SmtpClient smtp = open()) {
            // when: 80 KiB of lines, limit 64 KiB, no SIZE parameter given
            String line = "y".repeat(78) + "\r\n";
            smtp.write("Subject: big\r\n\r\n" + line.repeat(1024) + ".\r\n");

            // then
            assertThat(smtp.reply()).isEqualTo("552 5.3.4 Error: message file too big");
            // the session stays usable
            assertThat(smtp.sendMessage("alice@example.org", REPLY, "Subject: small\r\n\r\nok\r\n")).startsWith("250 2.0.0");
        }
        assertThat(replyd.onlyMessage()).contains("Subject: small");
        assertThat(replyd.tmpFiles()).isEmpty();
    }

    @Test
    void eightBitBodyIsStoredByteForByte() throws Exception {
        // given
        byte[] body = "Subject: =?UTF-8?Q?caf=C3=A9?=\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nDéjà vu — 日本語 ☕\r\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            smtp.sendExpecting("MAIL FROM:<alice@example.org> BODY=8BITMIME", "250");
            smtp.rcptTo(REPLY);

            // when / then
            assertThat(smtp.data(body)).startsWith("250 2.0.0");
        }
        byte[] stored = java.nio.file.Files.readAllBytes(replyd.newFiles().get(0));
        assertThat(new String(stored, java.nio.charset.StandardCharsets.UTF_8))
                .endsWith(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }

    private SmtpClient open() throws IOException {
        SmtpClient smtp = SmtpClient.greeted(replyd.port());
        smtp.beginData("alice@example.org", REPLY);
        return smtp;
    }
}
