package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.SmtpClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CHUNKING/BDAT (RFC 3030) over raw sockets: chunks in separate writes and pipelined in one, BDAT 0
 * LAST, the size limit across chunks, no mixing with DATA, refused chunks still read, bare LF kept,
 * and a 10 MiB message in 64 KiB chunks streamed with little heap.
 */
class ChunkingTest {
    @RegisterExtension final TestServers servers = new TestServers();

    private static final long MIB = 1024 * 1024;

    private TestServer replyd;

    @Test
    void messageInSeveralChunksIsStoredAsSentWithBareLineFeedsAfterTheReceivedField() throws Exception {
        // given
        replyd = servers.start();
        String reply = replyd.replyAddress(30, 3);
        String[] chunks = {"Subject: chunked\r\nFrom: a@example.org\r\n\r\nfirst line\n.\nsecond", " line\r\n.\r\n", "last\n"};
        try (SmtpClient smtp = transaction(reply)) {
            // when
            for (int i = 0; i < chunks.length - 1; i++) {
                // then
                assertThat(smtp.bdat(chunks[i], false)).isEqualTo("250 2.0.0 Ok: " + chunks[i].length() + " octets received");
            }
            String queued = smtp.bdat(chunks[chunks.length - 1], true);
            assertThat(queued).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]+");
            String stored = replyd.onlyMessage();
            assertThat(stored).startsWith("Return-Path: <alice@example.org>\r\nDelivered-To: " + reply + "\r\nReceived: from client.example.org")
                    .contains("with ESMTP id " + queued.substring(queued.lastIndexOf(' ') + 1))
                    .endsWith("\r\n" + String.join("", chunks));
        }
        assertThat(replyd.tmpFiles()).isEmpty();
    }

    @Test
    void pipelinedChunksInOneWriteAreAnsweredInOrderAndCommandsAfterThemStillWork() throws Exception {
        // given: chunk bytes that look like commands, STARTTLS and an end-of-data dot included
        replyd = servers.start();
        String reply = replyd.replyAddress(30, 4);
        String first = "Subject: p\r\n\r\nSTARTTLS\r\nQUIT\r\n";
        String second = ".\r\nRSET\r\n";
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            // when
            smtp.write("MAIL FROM:<alice@example.org>\r\nRCPT TO:<" + reply + ">\r\nBDAT " + first.length() + "\r\n" + first
                    + "BDAT " + second.length() + " LAST\r\n" + second + "NOOP\r\nQUIT\r\n");

            // then
            assertThat(smtp.reply()).startsWith("250 2.1.0");
            assertThat(smtp.reply()).startsWith("250 2.1.5");
            assertThat(smtp.reply()).isEqualTo("250 2.0.0 Ok: " + first.length() + " octets received");
            assertThat(smtp.reply()).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(smtp.reply()).startsWith("250 2.0.0");
            assertThat(smtp.reply()).startsWith("221");
        }
        assertThat(replyd.onlyMessage()).endsWith("\r\n" + first + second);
    }

    @Test
    void bdatZeroLastEndsTheMessage() throws Exception {
        // given
        replyd = servers.start();
        try (SmtpClient smtp = transaction(replyd.replyAddress(30, 5))) {
            assertThat(smtp.bdat("Subject: zero\r\n\r\nbody\r\n", false)).startsWith("250");

            // when / then
            assertThat(smtp.bdat("", true)).startsWith("250 2.0.0 Ok: queued as ");
        }
        assertThat(replyd.onlyMessage()).endsWith("\r\nSubject: zero\r\n\r\nbody\r\n");
    }

    @Test
    void bdatZeroLastAfterAChunkEndingMidLineInTheHeaderSectionStoresEveryByte() throws Exception {
        // given: the last chunk ends without LF, still in the header section, a foreign
        // Authentication-Results field held by the filter
        replyd = servers.start();
        String body = "Subject: no body\r\nX-First: 1\r\nAuthentication-Results: mx.other.example; spf=pass";
        try (SmtpClient smtp = transaction(replyd.replyAddress(30, 13))) {
            assertThat(smtp.bdat(body, false)).startsWith("250");

            // when / then
            assertThat(smtp.bdat("", true)).startsWith("250 2.0.0 Ok: queued as ");
        }
        assertThat(replyd.onlyMessage()).endsWith("\r\n" + body);
    }

    @Test
    void chunksGrowingPastTheSizeLimitAreRefusedWith552AndNothingIsStored() throws Exception {
        // given: a 64 KiB limit
        replyd = servers.start(settings -> settings.withLimits(64 * 1024, 50));
        String chunk = "x".repeat(40 * 1024);
        try (SmtpClient smtp = transaction(replyd.replyAddress(30, 6))) {
            assertThat(smtp.bdat(chunk, false)).startsWith("250");

            // when / then: refused after the chunk was read; the session stays in step, the transaction is over
            assertThat(smtp.bdat(chunk, true)).isEqualTo("552 5.3.4 Error: message file too big");
            assertThat(smtp.send("NOOP")).startsWith("250");
            assertThat(smtp.bdat("abc", true)).isEqualTo("503 5.5.1 Error: need MAIL command");
        }
        replyd.assertNothingStored();
    }

    @Test
    void dataAndRcptAfterAChunkAreRefusedWith503() throws Exception {
        // given
        replyd = servers.start();
        try (SmtpClient smtp = transaction(replyd.replyAddress(30, 7))) {
            assertThat(smtp.bdat("abcd", false)).startsWith("250");

            // when / then
            assertThat(smtp.send("DATA"))
                    .isEqualTo("503 5.5.1 Error: DATA after BDAT in the same transaction; send RSET");
            assertThat(smtp.send("RCPT TO:<" + replyd.replyAddress(30, 8) + ">"))
                    .isEqualTo("503 5.5.1 Error: RCPT after BDAT in the same transaction");
            assertThat(smtp.send("RSET")).startsWith("250");
        }
        replyd.assertNothingStored();
    }

    @Test
    void chunkWithoutMailIsReadAndDroppedSoItsBytesNeverRunAsCommands() throws Exception {
        // given
        replyd = servers.start();
        String smuggled = "MAIL FROM:<evil@example.org>\r\nRCPT TO:<" + replyd.replyAddress(30, 9) + ">\r\nBDAT 1 LAST\r\nx";
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            // when / then
            assertThat(smtp.bdat(smuggled, true)).isEqualTo("503 5.5.1 Error: need MAIL command");
            assertThat(smtp.send("NOOP")).startsWith("250");
        }
        replyd.assertNothingStored();
    }

    @Test
    void bdatWithoutAValidSizeIsRefusedWith501AndTheConnectionClosed() throws Exception {
        // given
        replyd = servers.start();
        try (SmtpClient smtp = transaction(replyd.replyAddress(30, 10))) {
            // when
            smtp.writeLine("BDAT many LAST");

            // then
            assertThat(smtp.reply()).isEqualTo("501 5.5.4 Syntax: BDAT count [LAST]");
            assertThat(smtp.closedByServer()).isTrue();
        }
        replyd.assertNothingStored();
    }

    @Test
    void forgedAuthenticationResultsInAChunkedHeaderAreRemovedAsForData() throws Exception {
        // given: the forged field split across two chunks
        replyd = servers.start();
        String first = "Subject: ar\r\nAuthentication-Results: tracker.test; dmarc=pa";
        String second = "ss\r\nX-Kept: yes\r\n\r\nbody\r\n";
        try (SmtpClient smtp = transaction(replyd.replyAddress(30, 11))) {
            // when
            assertThat(smtp.bdat(first, false)).startsWith("250");
            String queued = smtp.bdat(second, true);

            // then
            assertThat(queued).startsWith("250 2.0.0 Ok: queued as ");
        }
        assertThat(replyd.onlyMessage()).endsWith("\r\nSubject: ar\r\nX-Kept: yes\r\n\r\nbody\r\n")
                .doesNotContain("dmarc=pass");
    }

    @Test
    void tenMebibyteMessageIn64KibChunksIsStoredWithHeapGrowthUnder16Mebibytes() throws Exception {
        // given
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        replyd = servers.start(settings -> settings.withLimits(11 * MIB, 50));
        byte[] line = new byte[1024];
        Arrays.fill(line, (byte) 'q');
        line[1022] = '\r';
        line[1023] = '\n';
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < 64; i++) {
            System.arraycopy(line, 0, chunk, i * line.length, line.length);
        }
        long total = 10 * MIB;
        long baseline = retainedHeap(memory);
        long maxGrowth = 0;
        try (SmtpClient smtp = transaction(replyd.replyAddress(30, 12))) {
            // when: 160 chunks, the retained heap measured after a GC every 40
            for (int i = 0; i < total / chunk.length; i++) {
                boolean last = i == total / chunk.length - 1;
                assertThat(smtp.bdat(chunk, last)).startsWith("250 2.0.0 Ok: ");
                if (i % 40 == 39) {
                    maxGrowth = Math.max(maxGrowth, retainedHeap(memory) - baseline);
                }
            }
        }

        // then
        System.out.printf("10 MiB BDAT message: retained heap growth max %.1f MiB (baseline %.1f MiB)%n",
                maxGrowth / (double) MIB, baseline / (double) MIB);
        assertThat(maxGrowth).as("retained heap growth while receiving 10 MiB in chunks").isLessThan(16 * MIB);
        Path stored = replyd.newFiles().get(0);
        assertThat(Files.size(stored)).isGreaterThan(total);
    }

    private SmtpClient transaction(String reply) throws IOException {
        SmtpClient smtp = SmtpClient.greeted(replyd.port());
        smtp.beginTransaction("alice@example.org", reply);
        return smtp;
    }

    /** Heap in use after a full collection: what is really kept, not garbage waiting to be collected. */
    private static long retainedHeap(MemoryMXBean memory) throws InterruptedException {
        System.gc();
        Thread.sleep(50);
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
