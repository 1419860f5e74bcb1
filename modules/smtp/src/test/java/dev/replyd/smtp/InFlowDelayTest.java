package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replyd.address.ReplyToken;
import dev.replyd.maildir.Maildir;
import dev.replyd.testing.LeakCheck;
import dev.replyd.testing.SmtpClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flow control as a client sees it: while processing lags, the message is still accepted at once,
 * and the client's next command is answered only after the delay; otherwise nothing waits.
 */
class InFlowDelayTest {
    @RegisterExtension final LeakCheck leaks = LeakCheck.threads("replyd-smtp").listeningPorts();

    // Far longer than any run of this test: a reply that arrives at all was not held back by it, and a
    // held-back one is seen as silence; no elapsed time is measured.
    private static final Duration DELAY = Duration.ofMinutes(10);

    @TempDir Path root;

    @Test
    void whileBackloggedTheNextCommandWaitsAndNoMailIsRefused() throws Exception {
        AtomicBoolean backlogged = new AtomicBoolean(true);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Maildir maildir = Maildir.open(root);
        SmtpServer server = SmtpServer.start(TestServer.settings(), TestServer.codec(), maildir, registry,
                InFlowDelay.whenBacklogged(backlogged::get, DELAY));
        try {
            String to = TestServer.codec().mint(new ReplyToken("i", 1, 5));
            try (SmtpClient smtp = SmtpClient.greeted(server.address().getPort())) {
                assertThat(smtp.sendMessage("a@example.org", to, "Subject: one\r\n\r\nHello\r\n"))
                        .as("the 250 itself is not held back").startsWith("250 2.0.0");
                smtp.writeLine("NOOP");
                assertThat(smtp.silentFor(Duration.ofSeconds(2))).as("the next command waits").isTrue();
            }
            assertThat(delays(registry)).isEqualTo(1);

            backlogged.set(false);
            try (SmtpClient smtp = SmtpClient.greeted(server.address().getPort())) {
                assertThat(smtp.sendMessage("a@example.org", to, "Subject: two\r\n\r\nHello again\r\n")).startsWith("250 2.0.0");
                // Answered at all (within the client's 30 s read timeout): a held-back NOOP would wait 10 minutes.
                assertThat(smtp.send("NOOP")).as("caught up: nothing waits").startsWith("250");
                assertThat(smtp.send("QUIT")).startsWith("221");
            }
            try (var files = Files.list(root.resolve("mail/reply/new"))) {
                assertThat(files.count()).isEqualTo(2);
            }
            assertThat(delays(registry)).isEqualTo(1);
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void offNeverAsksAndANegativeDelayIsRefused() {
        assertThat(InFlowDelay.off().pauseNow()).isZero();
        assertThat(InFlowDelay.whenBacklogged(() -> true, Duration.ZERO).pauseNow()).isZero();
        assertThat(InFlowDelay.whenBacklogged(() -> true, DELAY).pauseNow()).isEqualTo(DELAY);
        assertThatThrownBy(() -> InFlowDelay.whenBacklogged(() -> true, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: >= 0");
    }

    private static double delays(SimpleMeterRegistry registry) {
        return registry.find("replyd.smtp.in.flow.delays").counter().count();
    }
}
