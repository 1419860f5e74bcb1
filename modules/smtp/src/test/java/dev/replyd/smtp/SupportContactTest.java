package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replyd.testing.SmtpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code replyd.support} at the end of every 550 5.1.1 a sender may read in a bounce, and nowhere without it. */
class SupportContactTest {
    @RegisterExtension final TestServers servers = new TestServers();

    private TestServer replyd;

    @Test
    void refusalsAPersonMayReadInABounceNameTheSupportContact() throws Exception {
        replyd = servers.start(settings -> settings.withSupport("mailto:help@tracker.test")
                .withNoreply("noreply@tracker.test", false));
        String forged = replyd.replyAddress(42, 7).replace("-42-", "-43-");

        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            smtp.mailFrom("alice@example.org");

            assertThat(smtp.send("RCPT TO:<" + forged + ">")).isEqualTo("550 5.1.1 <" + forged
                    + ">: Recipient address rejected: invalid reply signature; help: mailto:help@tracker.test");
            assertThat(smtp.send("RCPT TO:<someone@reply.tracker.test>"))
                    .isEqualTo("550 5.1.1 <someone@reply.tracker.test>: Recipient address rejected:"
                    + " User unknown; help: mailto:help@tracker.test");
            assertThat(smtp.send("RCPT TO:<noreply@tracker.test>"))
                    .isEqualTo("550 5.1.1 <noreply@tracker.test>: Recipient address rejected:"
                    + " this address does not receive mail; help: mailto:help@tracker.test");
            assertThat(smtp.send("RCPT TO:<" + replyd.replyAddress(42, 7) + ">")).startsWith("250 2.1.5");
        }
    }

    @Test
    void withoutASupportContactTheRefusalHasNoHelpPart() throws Exception {
        replyd = servers.start();

        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            smtp.mailFrom("alice@example.org");
            assertThat(smtp.send("RCPT TO:<someone@reply.tracker.test>"))
                    .isEqualTo("550 5.1.1 <someone@reply.tracker.test>: Recipient address rejected: User unknown");
        }
    }

    @Test
    void supportContactWithALineBreakOrAnotherSchemeIsRefused() {
        SmtpSettings base = SmtpSettings.defaults("tracker.test", "reply.tracker.test");

        for (String bad : new String[] {"mailto:a@b\r\n250 ok", "http://help.example", "help@tracker.test", "https://"}) {
            assertThatThrownBy(() -> base.withSupport(bad)).as(bad)
                    .hasMessage("replyd.support: not a mailto: or https:// URI of printable ASCII"
                            + " (expected: e.g. mailto:support@example.com)");
        }
        assertThat(base.withSupport("https://tracker.test/help").support()).isEqualTo("https://tracker.test/help");
    }
}
