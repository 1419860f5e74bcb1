package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Authentication-Results claiming our host name are removed on the way in; others are kept. */
@ExtendWith(NoLeftoverThreads.class)
class ForgedAuthResultsTest {
    @TempDir Path root;

    @Test
    void foldedForgeryClaimingOurHostIsRemovedAndForeignResultsStay() throws Exception {
        try (TestServer server = TestServer.start(root);
             SmtpConversation smtp = SmtpConversation.greeted(server.port())) {
            String body = "Authentication-Results:\r\n  Tracker.Test; dkim=pass header.d=example.org\r\n"
                    + "Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.org\r\n"
                    + "Subject: hi\r\n"
                    + "authentication-results: reply.tracker.test (forged); dmarc=pass\r\n"
                    + "\r\n"
                    + "Authentication-Results: tracker.test; in the body this is just text\r\n";

            assertThat(smtp.sendMessage("a@example.org", server.replyAddress(1, 5), body)).startsWith("250 2.0.0");

            String stored = server.read(server.newFiles().get(0));
            assertThat(stored).doesNotContain("dkim=pass").doesNotContain("dmarc=pass")
                    .contains("Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.org\r\nSubject: hi\r\n\r\n")
                    .contains("Authentication-Results: tracker.test; in the body this is just text");
        }
    }

    @Test
    void aMessageEndingInsideTheHeldFieldKeepsAForeignOne() throws Exception {
        try (TestServer server = TestServer.start(root);
             SmtpConversation smtp = SmtpConversation.greeted(server.port())) {
            String body = "Subject: x\r\nAuthentication-Results: mx.example.net;\r\n spf=none\r\n";

            assertThat(smtp.sendMessage("a@example.org", server.replyAddress(1, 5), body)).startsWith("250 2.0.0");

            assertThat(server.read(server.newFiles().get(0))).endsWith("Subject: x\r\nAuthentication-Results: mx.example.net;\r\n spf=none\r\n");
        }
    }

    @Test
    void forgeriesWithAQuotedIdAFinalDotOrABlankBeforeTheColonAreRemovedToo() throws Exception {
        try (TestServer server = TestServer.start(root);
             SmtpConversation smtp = SmtpConversation.greeted(server.port())) {
            String body = "Authentication-Results: \"tracker.test\"; dmarc=pass (quoted)\r\n"
                    + "Authentication-Results: TRACKER.TEST.; dkim=pass (final dot)\r\n"
                    + "Authentication-Results : tracker.test; spf=pass (blank before the colon)\r\n"
                    + "Authentication-Results:(comment first) reply.tracker.test; arc=pass (comment)\r\n"
                    + "Authentication-Results: \"mx.example.net\"; spf=neutral\r\n"
                    + "Subject: hi\r\n"
                    + "\r\n"
                    + "body\r\n";

            assertThat(smtp.sendMessage("a@example.org", server.replyAddress(1, 5), body)).startsWith("250 2.0.0");

            String stored = server.read(server.newFiles().get(0));
            assertThat(stored).doesNotContain("=pass")
                    .contains("Authentication-Results: \"mx.example.net\"; spf=neutral\r\nSubject: hi\r\n\r\nbody\r\n");
        }
    }
}
