package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.SmtpClient;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What reaches new/ is exactly what the client meant, or nothing: SMTP smuggling variants, bare CR/LF,
 * over-long lines, dot-stuffing, bytes split awkwardly across writes, pipelined commands, SIZE.
 * Raw sockets: a well-behaved client never shows these cases.
 */
class DataIntegrityTest {
    @RegisterExtension final TestServers servers = new TestServers();

    private static final String SMUGGLED = "MAIL FROM:<admin@bank.example>\r\nRCPT TO:<%s>\r\nDATA\r\n"
            + "Subject: smuggled\r\n\r\nforged\r\n.\r\n";

    private TestServer replyd;
    private String reply;

    @BeforeEach
    void start() throws IOException {
        replyd = servers.start(settings -> settings.withLimits(64 * 1024, 50));
        reply = replyd.replyAddress(9, 9);
    }

    @ParameterizedTest(name = "end-of-data variant {0} is refused")
    @ValueSource(strings = {"\\n.\\n", "\\r\\n.\\n", "\\n.\\r\\n", "\\r.\\r\\n", "\\n.a\\n"})
    void smugglingEndOfDataVariantsAreRefusedAndNothingIsStored(String variant) throws Exception {
        // given
        String separator = variant.replace("\\r", "\r").replace("\\n", "\n");
        try (SmtpClient smtp = open()) {
            // when
            smtp.write("Subject: hello\r\n\r\nfirst part" + separator + String.format(SMUGGLED, reply) + "more\r\n.\r\n");

            // then
            assertThat(smtp.reply()).isEqualTo("550 5.5.2 Error: bare <CR> or <LF> received in message data");
            assertThat(smtp.closedByServer()).isTrue();
        }
        replyd.assertNothingStored();
    }

    @Test
    void lineOfOnlyDotAndBareLineFeedDoesNotEndTheMessage() throws Exception {
        // given
        try (SmtpClient smtp = open()) {
            // when
            smtp.write("Subject: x\r\n\r\nbody\r\n.\n" + String.format(SMUGGLED, reply));

            // then
            assertThat(smtp.reply()).startsWith("550 5.5.2");
            assertThat(smtp.closedByServer()).isTrue();
        }
        replyd.assertNothingStored();
    }

    @Test
    void bareCarriageReturnInsideALineIsRefused() throws Exception {
        // given
        try (SmtpClient smtp = open()) {
            // when
            smtp.write("Subject: x\r\n\r\nabc\rdef\r\n.\r\n");

            // then
            assertThat(smtp.reply()).startsWith("550 5.5.2");
        }
        replyd.assertNothingStored();
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
            assertThat(smtp.sendMessage("alice@example.org", reply, "Subject: next\r\n\r\nstill in step\r\n"))
                    .startsWith("250 2.0.0");
        }
        List<String> stored = replyd.newFiles().stream().map(replyd::read).toList();
        assertThat(stored).hasSize(2);
        assertThat(stored).anySatisfy(text -> assertThat(text).endsWith("\r\n" + body));
        assertThat(stored).anySatisfy(text -> assertThat(text).endsWith("\r\nstill in step\r\n"));
    }

    @Test
    void bareLineFeedAfterTheFirstPieceOfALongLineIsStillRefused() throws Exception {
        // given
        try (SmtpClient smtp = open()) {
            // when
            smtp.write("Subject: x\r\n\r\n" + "z".repeat(9000) + "\n.\n" + String.format(SMUGGLED, reply) + ".\r\n");

            // then
            assertThat(smtp.reply()).isEqualTo("550 5.5.2 Error: bare <CR> or <LF> received in message data");
            assertThat(smtp.closedByServer()).isTrue();
        }
        replyd.assertNothingStored();
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
            smtp.write("MAIL FROM:<alice@example.org>\r\nRCPT TO:<victim@gmail.com>\r\nRCPT TO:<" + reply
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
    void ehloAdvertisesTheExtensionsAndSize() throws Exception {
        // given
        try (SmtpClient smtp = SmtpClient.beforeGreeting(replyd.port())) {
            assertThat(smtp.reply()).isEqualTo("220 tracker.test ESMTP replyd");

            // when
            smtp.writeLine("EHLO client.example.org");

            // then
            assertThat(smtp.reply()).startsWith("250-tracker.test Hello client.example.org [127.0.0.1]\n")
                    .contains("250-PIPELINING", "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "SIZE 65536")
                    .doesNotContain("STARTTLS").doesNotContain("AUTH");
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
            assertThat(smtp.sendMessage("alice@example.org", reply, "Subject: small\r\n\r\nok\r\n")).startsWith("250 2.0.0");
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
            smtp.writeLine("MAIL FROM:<alice@example.org> BODY=8BITMIME");
            smtp.expect("250");
            smtp.writeLine("RCPT TO:<" + reply + ">");
            smtp.expect("250");
            smtp.writeLine("DATA");
            smtp.expect("354");

            // when
            smtp.write(body);
            smtp.write(".\r\n");

            // then
            assertThat(smtp.reply()).startsWith("250 2.0.0");
        }
        byte[] stored = java.nio.file.Files.readAllBytes(replyd.newFiles().get(0));
        assertThat(new String(stored, java.nio.charset.StandardCharsets.UTF_8))
                .endsWith(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }

    private SmtpClient open() throws IOException {
        SmtpClient smtp = SmtpClient.greeted(replyd.port());
        smtp.beginData("alice@example.org", reply);
        return smtp;
    }
}
