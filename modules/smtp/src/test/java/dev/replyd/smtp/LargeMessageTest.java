package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.SmtpClient;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 100 MiB message streams to disk: the heap retained while it is being received stays far below its
 * size (James's stock envelope would hold all of it in a byte array).
 */
class LargeMessageTest {
    @RegisterExtension final TestServers servers = new TestServers();

    private static final long MIB = 1024 * 1024;
    private static final long MESSAGE_BYTES = 100 * MIB;

    @Test
    void hundredMebibyteMessageIsAcceptedWithHeapGrowthFarBelowItsSize() throws Exception {
        // given
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (TestServer replyd = servers.start(settings -> settings.withLimits(MESSAGE_BYTES + MIB, 50))) {
            byte[] line = new byte[1000];
            Arrays.fill(line, (byte) 'q');
            line[998] = '\r';
            line[999] = '\n';
            byte[] chunk = new byte[64 * line.length];
            for (int i = 0; i < 64; i++) {
                System.arraycopy(line, 0, chunk, i * line.length, line.length);
            }
            long baseline = retainedHeap(memory);
            long maxRetainedGrowth = 0;
            long sent = 0;
            long started = System.nanoTime();
            try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
                smtp.writeLine("MAIL FROM:<alice@example.org> SIZE=" + MESSAGE_BYTES);
                smtp.expect("250");
                smtp.writeLine("RCPT TO:<" + replyd.replyAddress(100, 1) + ">");
                smtp.expect("250");
                smtp.writeLine("DATA");
                smtp.expect("354");

                // when: 100 MiB, with the retained heap measured after a GC at each quarter
                smtp.write("Subject: large\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                sent += 18;
                long nextCheck = MESSAGE_BYTES / 4;
                while (sent + chunk.length <= MESSAGE_BYTES) {
                    smtp.write(chunk);
                    sent += chunk.length;
                    if (sent >= nextCheck) {
                        maxRetainedGrowth = Math.max(maxRetainedGrowth, retainedHeap(memory) - baseline);
                        nextCheck += MESSAGE_BYTES / 4;
                    }
                }
                smtp.write(".\r\n");

                // then
                assertThat(smtp.reply()).startsWith("250 2.0.0 Ok: queued as ");
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("100 MiB message: %d bytes sent in %.1f s; retained heap growth max %.1f MiB"
                    + " (baseline %.1f MiB)%n", sent, seconds, maxRetainedGrowth / (double) MIB, baseline / (double) MIB);
            assertThat(maxRetainedGrowth).as("retained heap growth while receiving 100 MiB").isLessThan(32 * MIB);
            Path stored = replyd.newFiles().get(0);
            assertThat(Files.size(stored)).isGreaterThan(sent);
        }
    }

    /** Heap in use after a full collection: what is really kept, not garbage waiting to be collected. */
    private static long retainedHeap(MemoryMXBean memory) throws InterruptedException {
        System.gc();
        Thread.sleep(50);
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
