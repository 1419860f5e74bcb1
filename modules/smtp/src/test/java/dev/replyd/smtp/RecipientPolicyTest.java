package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.replyd.address.ReplyToken;
import dev.replyd.maildir.TracePrefix;
import dev.replyd.testing.SmtpClient;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Contract 1 at RCPT time, through Jakarta Mail's SMTP transport and raw sessions. */
class RecipientPolicyTest {
    @RegisterExtension final TestServers servers = new TestServers();

    private TestServer replyd;

    @Test
    void validReplyAddressIsStoredWithTraceHeadersAnd250QueuedAfterCommit() throws Exception {
        // given
        replyd = servers.start();
        String reply = replyd.replyAddress(42, 7);

        // when
        String answer = JakartaMailClient.send(replyd.port(), "alice@example.org", "Re: issue 42", "Sounds good.\n", reply);

        // then
        assertThat(answer).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]+");
        String queueId = answer.substring(answer.lastIndexOf(' ') + 1);
        String stored = replyd.onlyMessage();
        assertThat(stored).startsWith("Return-Path: <alice@example.org>\r\nDelivered-To: " + reply + "\r\n"
                + "Received: from client.example.org (unknown [127.0.0.1])\r\n"
                + "\tby tracker.test (replyd) with ESMTP id " + queueId + "\r\n\tfor <" + reply + ">; ");
        assertThat(stored).contains("\r\nSubject: Re: issue 42\r\n").contains("\r\n\r\nSounds good.\r\n");
        assertThat(stored).endsWith("\r\n\r\nSounds good.\r\n").doesNotEndWith("\r\n.\r\n");
        assertThat(replyd.tmpFiles()).isEmpty();
        TracePrefix trace = TracePrefix.read(new ByteArrayInputStream(stored.getBytes(StandardCharsets.UTF_8)));
        assertThat(trace.sender()).contains("alice@example.org");
        assertThat(trace.recipient()).contains(reply);
        assertThat(trace.clientIp()).contains("127.0.0.1");
        assertThat(trace.helo()).contains("client.example.org");
        assertThat(trace.queueId()).contains(queueId);
    }

    @ParameterizedTest(name = "{0} is refused at RCPT through Jakarta Mail: \"{2}\"")
    @MethodSource("refusedRecipients")
    void refusedRecipientGets550WithItsReasonAndNothingIsStored(String recipient, UnaryOperator<SmtpSettings> settings,
            String reason) throws Exception {
        // given
        replyd = servers.start(settings);

        // when
        SMTPAddressFailedException refusal = refusedRecipient("mallory@example.org", recipient);

        // then
        assertThat(refusal.getReturnCode()).isEqualTo(550);
        assertThat(refusal.getMessage()).contains(reason);
        replyd.assertNothingStored();
    }

    /** A recipient, the settings it is refused under, and the refusal. */
    static Stream<Arguments> refusedRecipients() {
        String forged = TestServer.codec().mint(new ReplyToken("i", 42, 7)).replace("-42-", "-43-");
        return Stream.of(
                arguments(named("a reply address with a bad signature", forged), UnaryOperator.identity(),
                        "550 5.1.1 <" + forged + ">: Recipient address rejected: invalid reply signature"),
                arguments(named("an address in another domain (relaying)", "victim@gmail.com"), UnaryOperator.identity(),
                        "550 5.7.1 <victim@gmail.com>: Relay access denied"),
                arguments(named("the noreply address with discard off", "noreply@tracker.test"),
                        (UnaryOperator<SmtpSettings>) settings -> settings.withNoreply("noreply@tracker.test", false),
                        "550 5.1.1 <noreply@tracker.test>: Recipient address rejected: this address does not receive mail"));
    }

    @Test
    void eachKindOfBadTokenGetsItsOwnShortReason() throws Exception {
        // given
        replyd = servers.start();
        String valid = replyd.replyAddress(42, 7);
        String signature = valid.split("-")[2];

        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            smtp.mailFrom("alice@example.org");

            // when / then
            assertThat(smtp.send("RCPT TO:<reply+x-42-" + signature + "-7@reply.tracker.test>")).isEqualTo("550 5.1.1 "
                    + "<reply+x-42-" + signature + "-7@reply.tracker.test>: Recipient address rejected: unknown reply kind");
            assertThat(smtp.send("RCPT TO:<reply+i-42-7@reply.tracker.test>")).isEqualTo(
                    "550 5.1.1 <reply+i-42-7@reply.tracker.test>: Recipient address rejected: malformed reply token");
            assertThat(smtp.send("RCPT TO:<reply+i-42-abc-7@reply.tracker.test>")).isEqualTo(
                    "550 5.1.1 <reply+i-42-abc-7@reply.tracker.test>: Recipient address rejected: invalid reply signature");
            assertThat(smtp.send("RCPT TO:<someone@reply.tracker.test>")).isEqualTo(
                    "550 5.1.1 <someone@reply.tracker.test>: Recipient address rejected: User unknown");
            assertThat(smtp.send("RCPT TO:<root@tracker.test>"))
                    .isEqualTo("550 5.1.1 <root@tracker.test>: Recipient address rejected: User unknown");
            assertThat(smtp.send("RCPT TO:<" + valid.toUpperCase(java.util.Locale.ROOT).replace("@REPLY.TRACKER.TEST", "@Reply.Tracker.Test") + ">"))
                    .startsWith("250 2.1.5");
        }
    }

    @Test
    void postmasterOfOurDomainsAndBarePostmasterAreAcceptedButNotOfOtherDomains() throws Exception {
        // given
        replyd = servers.start();
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            smtp.mailFrom("");

            // when / then
            assertThat(smtp.send("RCPT TO:<postmaster@tracker.test>")).startsWith("250 2.1.5");
            assertThat(smtp.send("RCPT TO:<PostMaster@reply.tracker.test>")).startsWith("250 2.1.5");
            assertThat(smtp.send("RCPT TO:<postmaster>")).startsWith("250 2.1.5");
            assertThat(smtp.send("RCPT TO:<postmaster@gmail.com>"))
                    .isEqualTo("550 5.7.1 <postmaster@gmail.com>: Relay access denied");
            assertThat(smtp.data("Subject: bounce\r\n\r\nDelivery failed.\r\n")).startsWith("250 2.0.0 Ok: queued as ");
        }

        // then: one file per accepted recipient, the null sender kept as <>
        assertThat(replyd.newFiles()).hasSize(3);
        assertThat(replyd.newFiles()).allSatisfy(file -> assertThat(replyd.read(file)).startsWith("Return-Path: <>\r\n"));
        assertThat(replyd.newFiles()).map(replyd::read).anySatisfy(text -> assertThat(text).contains("Delivered-To: postmaster@localhost\r\n"));
    }

    @Test
    void noreplyWithDiscardOnIsAcceptedAndDroppedWhileOtherRecipientsAreStored() throws Exception {
        // given
        replyd = servers.start();
        String reply = replyd.replyAddress(1, 2);

        // when: only noreply
        String onlyNoreply = JakartaMailClient.send(replyd.port(), "bot@example.org", "auto", "x\n", "noreply@tracker.test");

        // then
        assertThat(onlyNoreply).isEqualTo("250 2.0.0 Ok: discarded");
        assertThat(replyd.newFiles()).isEmpty();

        // when: noreply in Cc of a real reply
        String mixed = JakartaMailClient.send(replyd.port(), "alice@example.org", "Re", "y\n", reply, "NoReply@tracker.test");

        // then
        assertThat(mixed).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(replyd.onlyMessage()).contains("Delivered-To: " + reply + "\r\n");
        assertThat(replyd.tmpFiles()).isEmpty();
    }

    @Test
    void dataWithoutAnyAcceptedRecipientGets554() throws Exception {
        // given
        replyd = servers.start();
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            smtp.mailFrom("alice@example.org");
            smtp.sendExpecting("RCPT TO:<victim@gmail.com>", "550");

            // when / then
            assertThat(smtp.send("DATA")).isEqualTo("554 5.5.1 Error: no valid recipients");
        }
        assertThat(replyd.newFiles()).isEmpty();
    }

    @Test
    void sameReplyAddressRepeatedInOneTransactionIsAcceptedEachTimeButStoredOnce() throws Exception {
        // given
        replyd = servers.start();
        String reply = replyd.replyAddress(42, 7);
        String[] parts = reply.split("@");
        String[] token = parts[0].split("-");
        String upperHex = token[0] + "-" + token[1] + "-" + token[2].toUpperCase(java.util.Locale.ROOT) + "-" + token[3]
                + "@" + parts[1].toUpperCase(java.util.Locale.ROOT);
        String other = replyd.replyAddress(42, 8);
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            smtp.mailFrom("alice@example.org");

            // when: the same reply address 47 times, once with upper-case hex and domain, and another user's
            for (int i = 0; i < 47; i++) {
                assertThat(smtp.send("RCPT TO:<" + reply + ">")).startsWith("250 2.1.5");
            }
            assertThat(smtp.send("RCPT TO:<" + upperHex + ">")).startsWith("250 2.1.5");
            assertThat(smtp.send("RCPT TO:<" + other + ">")).startsWith("250 2.1.5");
            String queued = smtp.data("Subject: once\r\n\r\nonly once please\r\n");

            // then
            assertThat(queued).startsWith("250 2.0.0 Ok: queued as ");
        }
        assertThat(replyd.newFiles()).hasSize(2);
        assertThat(replyd.newFiles().stream().map(replyd::read).map(text -> text.split("\r\n")[1]))
                .containsExactlyInAnyOrder("Delivered-To: " + reply, "Delivered-To: " + other);
    }

    @Test
    void replyAndUnsubscribeAddressOfOneTokenInOneTransactionAreBothStored() throws Exception {
        // given
        replyd = servers.start();
        ReplyToken token = new ReplyToken("i", 42, 7);
        String reply = replyd.codec.mint(token);
        String unsubscribe = replyd.codec.mintUnsubscribe(token);
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            smtp.mailFrom("alice@example.org");

            // when
            assertThat(smtp.send("RCPT TO:<" + reply + ">")).startsWith("250 2.1.5");
            assertThat(smtp.send("RCPT TO:<" + unsubscribe + ">")).startsWith("250 2.1.5");
            String queued = smtp.data("Subject: stop\r\n\r\nthanks, and unsubscribe me\r\n");

            // then
            assertThat(queued).startsWith("250 2.0.0 Ok: queued as ");
        }
        assertThat(replyd.newFiles().stream().map(replyd::read).map(text -> text.split("\r\n")[1]))
                .containsExactlyInAnyOrder("Delivered-To: " + reply, "Delivered-To: " + unsubscribe);
    }

    @Test
    void recipientsBeyondTheLimitGet452_4_5_3AndTheOthersAreStored() throws Exception {
        // given
        replyd = servers.start(settings -> settings.withLimits(SmtpSettings.DEFAULT_MAX_MESSAGE_SIZE, 2));
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            smtp.beginTransaction("alice@example.org", replyd.replyAddress(1, 1));
            smtp.rcptTo(replyd.replyAddress(1, 2));

            // when / then
            assertThat(smtp.send("RCPT TO:<" + replyd.replyAddress(1, 3) + ">")).isEqualTo("452 4.5.3 Error: too many recipients");
            assertThat(smtp.data("Subject: hi\r\n\r\nbody\r\n")).startsWith("250 2.0.0");
        }
        assertThat(replyd.newFiles()).hasSize(2);
    }

    /**
     * Sends one message through Jakarta Mail to {@code to} alone, expecting the send to fail at RCPT;
     * returns the refusal of that recipient.
     */
    private SMTPAddressFailedException refusedRecipient(String from, String to) {
        Throwable thrown = catchThrowable(() -> JakartaMailClient.send(replyd.port(), from, "hello", "x\n", to));
        assertThat(thrown).isInstanceOf(SendFailedException.class);
        return addressFailure(thrown);
    }

    private static SMTPAddressFailedException addressFailure(Throwable e) {
        Exception next = ((MessagingException) e).getNextException();
        while (next != null && !(next instanceof SMTPAddressFailedException)) {
            next = next instanceof MessagingException ? ((MessagingException) next).getNextException() : null;
        }
        if (next == null) {
            throw new AssertionError("no SMTPAddressFailedException in " + e);
        }
        return (SMTPAddressFailedException) next;
    }
}
