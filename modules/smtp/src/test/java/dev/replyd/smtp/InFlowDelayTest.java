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

    // Long, so that "sooner than the delay" is a generous deadline on a busy machine, not a timing target.
    private static final Duration DELAY = Duration.ofSeconds(5);

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
                long sent = System.nanoTime();
                assertThat(smtp.sendMessage("a@example.org", to, "Subject: one\r\n\r\nHello\r\n")).startsWith("250 2.0.0");
                assertThat(elapsed(sent)).as("the 250 itself is not held back").isLessThan(DELAY);

                long next = System.nanoTime();
                smtp.writeLine("NOOP");
                smtp.expect("250");
                assertThat(elapsed(next)).as("the next command waits").isGreaterThanOrEqualTo(DELAY.minusMillis(100));

                backlogged.set(false);
                assertThat(smtp.sendMessage("a@example.org", to, "Subject: two\r\n\r\nHello again\r\n")).startsWith("250 2.0.0");
                long after = System.nanoTime();
                smtp.writeLine("NOOP");
                smtp.expect("250");
                assertThat(elapsed(after)).as("caught up: nothing waits").isLessThan(DELAY.minusMillis(100));
                smtp.writeLine("QUIT");
                smtp.expect("221");
            }
            try (var files = Files.list(root.resolve("mail/reply/new"))) {
                assertThat(files.count()).isEqualTo(2);
            }
            assertThat(registry.find("replyd.smtp.in.flow.delays").counter().count()).isEqualTo(1);
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

    private static Duration elapsed(long since) {
        return Duration.ofNanos(System.nanoTime() - since);
    }
}
