package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Start, stop, limits, timeouts and storage failures, against the real server. */
@ExtendWith(NoLeftoverThreads.class)
class ServerLifecycleTest {

    @TempDir
    Path storage;

    private TestServer replyd;

    @AfterEach
    void stop() {
        if (replyd != null) {
            replyd.close();
        }
    }

    @Test
    void portAlreadyTakenFailsWithAMessageNamingTheBindAddressAndLeavesNoThreads() throws Exception {
        // given
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Maildir maildir = Maildir.open(storage);
            ReplyAddressCodec codec = TestServer.codec();
            SmtpSettings settings = TestServer.settings().withBind(new InetSocketAddress("127.0.0.1", taken.getLocalPort()));

            // when / then
            assertThatThrownBy(() -> SmtpServer.start(settings, codec, maildir))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("replyd.smtp.bind/port: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
                    .hasMessageContaining("Address already in use")
                    .hasMessageContaining("ss -ltnp");
        }
    }

    @Test
    void stopLetsTheTransactionInFlightFinishAndAnswersEveryoneElse421() throws Exception {
        // given: one session in the middle of DATA, one idle session
        replyd = TestServer.start(storage);
        SmtpConversation busy = SmtpConversation.greeted(replyd.port());
        busy.send("MAIL FROM:<alice@example.org>");
        busy.expect("250");
        busy.send("RCPT TO:<" + replyd.replyAddress(8, 8) + ">");
        busy.expect("250");
        busy.send("DATA");
        busy.expect("354");
        busy.raw("Subject: in flight\r\n\r\nfirst half\r\n");
        SmtpConversation idle = SmtpConversation.greeted(replyd.port());

        // when
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> replyd.stop(Duration.ofSeconds(10)));

        // then
        assertThat(idle.reply()).isEqualTo("421 4.3.2 tracker.test Service shutting down, try again later");
        assertThat(idle.closedByServer()).isTrue();
        try (SmtpConversation late = new SmtpConversation(replyd.port())) {
            assertThat(late.reply()).startsWith("421 4.3.2");
        }
        busy.raw("second half\r\n.\r\n");
        assertThat(busy.reply()).startsWith("250 2.0.0 Ok: queued as ");
        busy.send("MAIL FROM:<alice@example.org>");
        assertThat(busy.reply()).startsWith("421 4.3.2");
        stopping.get();
        assertThat(replyd.onlyMessage()).endsWith("first half\r\nsecond half\r\n");
        busy.close();
        idle.close();
    }

    @Test
    void stopAfterTheGraceAbortsTheUnfinishedMessage() throws Exception {
        // given
        replyd = TestServer.start(storage);
        try (SmtpConversation busy = SmtpConversation.greeted(replyd.port())) {
            busy.send("MAIL FROM:<alice@example.org>");
            busy.expect("250");
            busy.send("RCPT TO:<" + replyd.replyAddress(8, 8) + ">");
            busy.expect("250");
            busy.send("DATA");
            busy.expect("354");
            busy.raw("Subject: never finished\r\n\r\npartial\r\n");

            // when
            replyd.stop(Duration.ofMillis(300));

            // then
            assertThat(busy.closedByServer()).isTrue();
        }
        assertThat(replyd.newFiles()).isEmpty();
        assertThat(replyd.tmpFiles()).isEmpty();
    }

    @Test
    void connectionsOverThePerIpLimitGet421_4_7_0() throws Exception {
        // given
        replyd = TestServer.start(storage, settings -> settings.withConnectionLimits(10, 2));
        try (SmtpConversation first = new SmtpConversation(replyd.port());
                SmtpConversation second = new SmtpConversation(replyd.port())) {
            first.expect("220");
            second.expect("220");

            // when
            try (SmtpConversation third = new SmtpConversation(replyd.port())) {
                // then
                assertThat(third.reply()).isEqualTo("421 4.7.0 tracker.test Error: too many connections, try again later");
                assertThat(third.closedByServer()).isTrue();
            }
            first.send("QUIT");
            first.expect("221");
            assertThat(first.closedByServer()).isTrue();

            // then: the freed slot is usable again (the server counts it down when it sees the close)
            String greeting = "";
            long deadline = System.currentTimeMillis() + 3000;
            while (!greeting.startsWith("220") && System.currentTimeMillis() < deadline) {
                try (SmtpConversation again = new SmtpConversation(replyd.port())) {
                    greeting = again.reply();
                }
            }
            assertThat(greeting).startsWith("220");
        }
    }

    @Test
    void connectionsOverTheTotalLimitGet421_4_7_0() throws Exception {
        // given
        replyd = TestServer.start(storage, settings -> settings.withConnectionLimits(1, 0));
        try (SmtpConversation first = new SmtpConversation(replyd.port())) {
            first.expect("220");

            // when
            try (SmtpConversation second = new SmtpConversation(replyd.port())) {
                // then
                assertThat(second.reply()).startsWith("421 4.7.0 ");
            }
        }
    }

    @Test
    void lowFreeSpaceRefusesMailFromWith452_4_3_1() throws Exception {
        // given
        replyd = TestServer.start(storage, settings -> settings.withMinFreeBytes(Long.MAX_VALUE));
        try (SmtpConversation smtp = SmtpConversation.greeted(replyd.port())) {
            // when
            smtp.send("MAIL FROM:<alice@example.org>");

            // then
            assertThat(smtp.reply()).isEqualTo("452 4.3.1 Insufficient system storage");
        }
    }

    @Test
    void failureToCommitGives451AndLeavesNoFileInNewOrTmp() throws Exception {
        // given
        replyd = TestServer.start(storage);
        try (SmtpConversation smtp = SmtpConversation.greeted(replyd.port())) {
            smtp.send("MAIL FROM:<alice@example.org>");
            smtp.expect("250");
            smtp.send("RCPT TO:<" + replyd.replyAddress(4, 4) + ">");
            smtp.expect("250");
            smtp.send("DATA");
            smtp.expect("354");
            smtp.raw("Subject: doomed\r\n\r\nbody\r\n");
            Path newDirectory = storage.resolve(MaildirLayout.NEW);
            Files.delete(newDirectory); // the rename into new/ will fail

            // when
            smtp.raw(".\r\n");

            // then
            assertThat(smtp.reply()).isEqualTo("451 4.3.0 Error: queue file write error");
            Files.createDirectory(newDirectory);
            assertThat(replyd.newFiles()).isEmpty();
            assertThat(replyd.tmpFiles()).isEmpty();
            // the session goes on
            assertThat(smtp.sendMessage("alice@example.org", replyd.replyAddress(4, 4), "Subject: retry\r\n\r\nok\r\n"))
                    .startsWith("250 2.0.0");
        }
    }

    @Test
    void failureToOpenTheDeliveryGives451AtData() throws Exception {
        // given
        replyd = TestServer.start(storage);
        Path tmp = storage.resolve(MaildirLayout.TMP);
        try (SmtpConversation smtp = SmtpConversation.greeted(replyd.port())) {
            smtp.send("MAIL FROM:<alice@example.org>");
            smtp.expect("250");
            smtp.send("RCPT TO:<" + replyd.replyAddress(4, 4) + ">");
            smtp.expect("250");
            Files.delete(tmp);

            // when
            smtp.send("DATA");

            // then
            assertThat(smtp.reply()).isEqualTo("451 4.3.0 Error: queue file write error");
        } finally {
            Files.createDirectories(tmp);
        }
        assertThat(replyd.newFiles()).isEmpty();
    }

    @Test
    void tooManyErrorsInOneSessionGet421AndClose() throws Exception {
        // given
        replyd = TestServer.start(storage, settings -> settings.withMaxErrors(3));
        try (SmtpConversation smtp = SmtpConversation.greeted(replyd.port())) {
            smtp.send("MAIL FROM:<alice@example.org>");
            smtp.expect("250");
            for (int i = 0; i < 3; i++) {
                smtp.send("RCPT TO:<guess" + i + "@reply.tracker.test>");
                smtp.expect("550");
            }

            // when
            smtp.send("RCPT TO:<guess3@reply.tracker.test>");

            // then
            assertThat(smtp.reply()).isEqualTo("421 4.7.0 tracker.test Error: too many errors");
            assertThat(smtp.closedByServer()).isTrue();
        }
    }

    @Test
    void idleClientIsDisconnectedWith421_4_4_2() throws Exception {
        // given
        replyd = TestServer.start(storage, settings -> settings.withTimeouts(Duration.ofSeconds(1), Duration.ofMinutes(5)));
        try (SmtpConversation smtp = SmtpConversation.greeted(replyd.port())) {
            long start = System.nanoTime();

            // when: nothing is sent
            String reply = smtp.reply();

            // then
            assertThat(reply).isEqualTo("421 4.4.2 tracker.test Error: timeout exceeded");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not before the idle timeout")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(800));
            assertThat(smtp.closedByServer()).isTrue();
        }
    }

    @Test
    void busySessionIsEndedAtTheSessionTimeLimit() throws Exception {
        // given
        replyd = TestServer.start(storage, settings -> settings.withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(1)));
        try (SmtpConversation smtp = SmtpConversation.greeted(replyd.port())) {
            // when: a slow drip of NOOPs, each well within the idle timeout
            String reply = "";
            for (int i = 0; i < 20 && !reply.startsWith("421"); i++) {
                Thread.sleep(200);
                smtp.send("NOOP");
                reply = smtp.reply();
            }

            // then
            assertThat(reply).isEqualTo("421 4.4.2 tracker.test Error: timeout exceeded");
        }
    }
}
