package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import dev.replyd.testing.SmtpClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Start, stop, limits, timeouts and storage failures, against the real server. */
class ServerLifecycleTest {
    @RegisterExtension final TestServers servers = new TestServers();

    private TestServer replyd;

    @Test
    void portAlreadyTakenFailsWithAMessageNamingTheBindAddressAndLeavesNoThreads() throws Exception {
        // given
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Maildir maildir = Maildir.open(servers.storage());
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
        replyd = servers.start();
        SmtpClient busy = midMessage("Subject: in flight\r\n\r\nfirst half\r\n");
        SmtpClient idle = SmtpClient.greeted(replyd.port());

        // when
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> replyd.stop(Duration.ofSeconds(10)));

        // then
        assertThat(idle.reply()).isEqualTo("421 4.3.2 tracker.test Service shutting down, try again later");
        assertThat(idle.closedByServer()).isTrue();
        // the listening socket is closed while the transaction is still open: a balancer retries
        // another node, a sender its next MX
        Await.until("connections refused while the transaction in flight is open", Duration.ofSeconds(30),
                () -> SmtpClient.refused(replyd.port()));
        busy.write("second half\r\n.\r\n");
        assertThat(busy.reply()).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(busy.send("MAIL FROM:<alice@example.org>")).startsWith("421 4.3.2");
        stopping.get();
        assertThat(replyd.onlyMessage()).endsWith("first half\r\nsecond half\r\n");
        busy.close();
        idle.close();
    }

    @Test
    void stopAfterTheGraceAbortsTheUnfinishedMessage() throws Exception {
        // given
        replyd = servers.start();
        try (SmtpClient busy = midMessage("Subject: never finished\r\n\r\npartial\r\n")) {
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
        replyd = servers.start(settings -> settings.withConnectionLimits(10, 2));
        try (SmtpClient first = SmtpClient.beforeGreeting(replyd.port());
                SmtpClient second = SmtpClient.beforeGreeting(replyd.port())) {
            first.expect("220");
            second.expect("220");

            // when
            try (SmtpClient third = SmtpClient.beforeGreeting(replyd.port())) {
                // then
                assertThat(third.reply()).isEqualTo("421 4.7.0 tracker.test Error: too many connections, try again later");
                assertThat(third.closedByServer()).isTrue();
            }
            first.writeLine("QUIT");
            first.expect("221");
            assertThat(first.closedByServer()).isTrue();

            // then: the freed slot is usable again (the server counts it down when it sees the close)
            AtomicReference<String> greeting = new AtomicReference<>("");
            Await.within(Duration.ofSeconds(3), () -> {
                try (SmtpClient again = SmtpClient.beforeGreeting(replyd.port())) {
                    greeting.set(again.reply());
                }
                return greeting.get().startsWith("220");
            });
            assertThat(greeting.get()).startsWith("220");
        }
    }

    @Test
    void connectionsOverTheTotalLimitGet421_4_7_0() throws Exception {
        // given
        replyd = servers.start(settings -> settings.withConnectionLimits(1, 0));
        try (SmtpClient first = SmtpClient.beforeGreeting(replyd.port())) {
            first.expect("220");

            // when
            try (SmtpClient second = SmtpClient.beforeGreeting(replyd.port())) {
                // then
                assertThat(second.reply()).startsWith("421 4.7.0 ");
            }
        }
    }

    @Test
    void lowFreeSpaceRefusesMailFromWith452_4_3_1() throws Exception {
        // given
        replyd = servers.start(settings -> settings.withMinFreeBytes(Long.MAX_VALUE));
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            // when
            smtp.writeLine("MAIL FROM:<alice@example.org>");

            // then
            assertThat(smtp.reply()).isEqualTo("452 4.3.1 Insufficient system storage");
        }
    }

    @Test
    void failureToCommitGives451AndLeavesNoFileInNewOrTmp() throws Exception {
        // given
        replyd = servers.start();
        try (SmtpClient smtp = midMessage("Subject: doomed\r\n\r\nbody\r\n")) {
            Path newDirectory = servers.storage().resolve(MaildirLayout.NEW);
            Files.delete(newDirectory); // the rename into new/ will fail

            // when
            smtp.write(".\r\n");

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
        replyd = servers.start();
        Path tmp = servers.storage().resolve(MaildirLayout.TMP);
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            smtp.beginTransaction("alice@example.org", replyd.replyAddress(4, 4));
            Files.delete(tmp);

            // when / then
            assertThat(smtp.send("DATA")).isEqualTo("451 4.3.0 Error: queue file write error");
        } finally {
            Files.createDirectories(tmp);
        }
        assertThat(replyd.newFiles()).isEmpty();
    }

    @Test
    void tooManyErrorsInOneSessionGet421AndClose() throws Exception {
        // given
        replyd = servers.start(settings -> settings.withMaxErrors(3));
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            smtp.mailFrom("alice@example.org");
            for (int i = 0; i < 3; i++) {
                smtp.sendExpecting("RCPT TO:<guess" + i + "@reply.tracker.test>", "550");
            }

            // when / then
            assertThat(smtp.send("RCPT TO:<guess3@reply.tracker.test>")).isEqualTo("421 4.7.0 tracker.test Error: too many errors");
            assertThat(smtp.closedByServer()).isTrue();
        }
    }

    @Test
    void idleClientIsDisconnectedWith421_4_4_2() throws Exception {
        // given
        replyd = servers.start(settings -> settings.withTimeouts(Duration.ofSeconds(1), Duration.ofMinutes(5)));
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
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
        replyd = servers.start(settings -> settings.withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(1)));
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            // when: a slow drip of NOOPs, each well within the idle timeout
            String reply = "";
            for (int i = 0; i < 20 && !reply.startsWith("421"); i++) {
                Thread.sleep(200);
                smtp.writeLine("NOOP");
                reply = smtp.reply();
            }

            // then
            assertThat(reply).isEqualTo("421 4.4.2 tracker.test Error: timeout exceeded");
        }
    }

    /**
     * A greeted session to {@code replyd} in the middle of DATA for one reply address, the first
     * {@code part} of its message sent (CRLF-terminated lines) and no dot yet.
     */
    private SmtpClient midMessage(String part) throws IOException {
        SmtpClient smtp = SmtpClient.greeted(replyd.port());
        smtp.beginData("alice@example.org", replyd.replyAddress(8, 8));
        smtp.write(part);
        return smtp;
    }
}
