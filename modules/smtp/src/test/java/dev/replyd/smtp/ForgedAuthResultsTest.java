package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.SmtpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Authentication-Results claiming our host name are removed on the way in; others are kept. */
class ForgedAuthResultsTest {
    @RegisterExtension final TestServers servers = new TestServers();

    @Test
    void foldedForgeryClaimingOurHostIsRemovedAndForeignResultsStay() throws Exception {
        String body = "Authentication-Results:\r\n  Tracker.Test; dkim=pass header.d=example.org\r\n"
                + "Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.org\r\n"
                + "Subject: hi\r\n"
                + "authentication-results: reply.tracker.test (forged); dmarc=pass\r\n"
                + "\r\n"
                + "Authentication-Results: tracker.test; in the body this is just text\r\n";

        String stored = storedAfterSending(body);

        assertThat(stored).doesNotContain("dkim=pass").doesNotContain("dmarc=pass")
                .contains("Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.org\r\nSubject: hi\r\n\r\n")
                .contains("Authentication-Results: tracker.test; in the body this is just text");
    }

    @Test
    void aMessageEndingInsideTheHeldFieldKeepsAForeignOne() throws Exception {
        String body = "Subject: x\r\nAuthentication-Results: mx.example.net;\r\n spf=none\r\n";

        String stored = storedAfterSending(body);

        assertThat(stored).endsWith("Subject: x\r\nAuthentication-Results: mx.example.net;\r\n spf=none\r\n");
    }

    @Test
    void forgeriesWithAQuotedIdAFinalDotOrABlankBeforeTheColonAreRemovedToo() throws Exception {
        String body = "Authentication-Results: \"tracker.test\"; dmarc=pass (quoted)\r\n"
                + "Authentication-Results: TRACKER.TEST.; dkim=pass (final dot)\r\n"
                + "Authentication-Results : tracker.test; spf=pass (blank before the colon)\r\n"
                + "Authentication-Results:(comment first) reply.tracker.test; arc=pass (comment)\r\n"
                + "Authentication-Results: \"mx.example.net\"; spf=neutral\r\n"
                + "Subject: hi\r\n"
                + "\r\n"
                + "body\r\n";

        String stored = storedAfterSending(body);

        assertThat(stored).doesNotContain("=pass")
                .contains("Authentication-Results: \"mx.example.net\"; spf=neutral\r\nSubject: hi\r\n\r\nbody\r\n");
    }

    /** Sends {@code body} as one message (which must get 250) and returns the file stored. */
    private String storedAfterSending(String body) throws Exception {
        TestServer server = servers.start();
        try (SmtpClient smtp = SmtpClient.greeted(server.port())) {
            assertThat(smtp.sendMessage("a@example.org", server.replyAddress(1, 5), body)).startsWith("250 2.0.0");
        }
        return server.read(server.newFiles().get(0));
    }
}
