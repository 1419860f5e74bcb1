package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.maildir.Maildir;
import dev.replyd.testing.Await;
import dev.replyd.testing.LeakCheck;
import dev.replyd.testing.SmtpClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The SMTP figures operators graph, after a known mix of traffic through a real server. */
class SmtpMetricsTest {
    @RegisterExtension final LeakCheck leaks = LeakCheck.threads("replyd-smtp").listeningPorts();

    @TempDir Path root;

    double count(SimpleMeterRegistry r, String name, String... tags) {
        var c = r.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aKnownTrafficMixIsCountedByOutcomeAndReason() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Maildir maildir = Maildir.open(root);
        SmtpServer server = SmtpServer.start(TestServer.settings(), TestServer.codec(), maildir, registry);
        try {
            int port = server.address().getPort();
            String valid = TestServer.codec().mint(new dev.replyd.address.ReplyToken("i", 1, 5));
            try (SmtpClient smtp = SmtpClient.greeted(port)) {
                assertThat(registry.find("replyd.smtp.connections.active").gauge().value()).isEqualTo(1);
                assertThat(smtp.sendMessage("a@example.org", valid, "Subject: hi\r\n\r\nHello\r\n")).startsWith("250 2.0.0");
                smtp.mailFrom("a@example.org");
                smtp.writeLine("RCPT TO:<" + valid.replace("-5@", "-6@") + ">");
                smtp.expect("550");
                smtp.writeLine("RCPT TO:<someone@example.org>");
                smtp.expect("550");
                smtp.writeLine("RCPT TO:<noreply@" + TestServer.HOSTNAME + ">");
                smtp.expect("250");
                smtp.writeLine("QUIT");
                smtp.expect("221");
            }

            assertThat(count(registry, "replyd.smtp.connections", "result", "accepted")).isEqualTo(1);
            assertThat(count(registry, "replyd.smtp.recipients", "outcome", "accepted", "reason", "none")).isEqualTo(1);
            assertThat(count(registry, "replyd.smtp.recipients", "outcome", "refused", "reason", "bad_token")).isEqualTo(1);
            assertThat(count(registry, "replyd.smtp.recipients", "outcome", "refused", "reason", "relay_denied")).isEqualTo(1);
            assertThat(count(registry, "replyd.smtp.recipients", "outcome", "discarded", "reason", "noreply")).isEqualTo(1);
            assertThat(count(registry, "replyd.smtp.transactions", "outcome", "delivered")).isEqualTo(1);
            assertThat(count(registry, "replyd.smtp.transactions", "outcome", "storage_failed")).isZero();
            assertThat(registry.find("replyd.smtp.message").summary().count()).isEqualTo(1);
            assertThat(registry.find("replyd.smtp.message").summary().totalAmount()).isGreaterThan(20);
            Await.within(Duration.ofSeconds(5), () -> registry.find("replyd.smtp.connections.active").gauge().value() == 0);
            assertThat(registry.find("replyd.smtp.connections.active").gauge().value()).isZero();
        } finally {
            server.stop(Duration.ZERO);
        }
    }
}
