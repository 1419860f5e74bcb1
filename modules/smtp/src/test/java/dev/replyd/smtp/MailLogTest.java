package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.RecordingLog;
import dev.replyd.testing.SmtpClient;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code mail} log reads like Postfix's: one line per event, keyed by the queue id. */
class MailLogTest {
    @RegisterExtension final TestServers servers = new TestServers();
    @RegisterExtension final RecordingLog mailLog = new RecordingLog("mail");

    private TestServer replyd;

    @Test
    void deliveredMessageAndRefusedRecipientAreLoggedAsPostfixWould() throws Exception {
        // given
        replyd = servers.start();
        String reply = replyd.replyAddress(6, 1);
        String queued;
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            smtp.mailFrom("alice@example.org");
            smtp.writeLine("RCPT TO:<victim@gmail.com>");
            smtp.expect("550");
            smtp.writeLine("RCPT TO:<" + reply + ">");
            smtp.expect("250");
            smtp.writeLine("DATA");
            smtp.expect("354");

            // when
            smtp.write("Message-ID:\r\n <folded.id@example.org>\r\nSubject: log\r\n\r\nbody\r\n.\r\n");
            queued = smtp.expect("250");
            smtp.writeLine("QUIT");
            smtp.expect("221");
            smtp.closedByServer();
        }
        replyd.close();
        replyd = null;

        // then
        String id = queued.substring(queued.lastIndexOf(' ') + 1);
        List<String> log = mailLog.messages().stream()
                .filter(line -> !line.startsWith("listening") && !line.startsWith("stop")).toList();
        assertThat(log).containsExactly(
                "connect from unknown[127.0.0.1]",
                "NOQUEUE: reject: RCPT from unknown[127.0.0.1]: 550 5.7.1 <victim@gmail.com>: Relay access denied;"
                        + " from=<alice@example.org> to=<victim@gmail.com> proto=ESMTP helo=<client.example.org>",
                id + ": client=unknown[127.0.0.1]",
                id + ": message-id=<folded.id@example.org>",
                id + ": from=<alice@example.org>, size=61, nrcpt=1 (queue active)",
                id + ": to=<" + reply + ">, relay=maildir, status=sent (delivered to maildir)",
                "disconnect from unknown[127.0.0.1] ehlo=1 mail=1 rcpt=1/2 data=1 quit=1 commands=5/6");
    }
    @Test
    void controlCharactersFromTheClientAreEscapedInRepliesAndInTheLog() throws Exception {
        // given
        replyd = servers.start();
        String unknownReply;
        String badRcptReply;
        try (SmtpClient smtp = SmtpClient.beforeGreeting(replyd.port())) {
            smtp.expect("220");
            smtp.writeLine("EHLO evil\u001b[31m.example");
            smtp.expect("250");

            // when: a bare CR and an ESC inside commands (the framer splits on LF only)
            smtp.writeLine("FAKE\rINJECTED \u001b[2J");
            unknownReply = smtp.reply();
            smtp.mailFrom("alice@example.org");
            smtp.writeLine("RCPT TO:<x\u001b@gmail.com>");
            badRcptReply = smtp.reply();
            smtp.writeLine("QUIT");
            smtp.expect("221");
        }
        replyd.close();
        replyd = null;

        // then
        assertThat(unknownReply).isEqualTo("500 5.5.1 Command FAKE\\x0dINJECTED unrecognized.");
        assertThat(badRcptReply).isEqualTo("553 5.1.3 Syntax error in recipient address").doesNotContain("\u001b");
        List<String> log = mailLog.messages();
        assertThat(log).noneMatch(line -> line.chars().anyMatch(c -> c < 0x20 || c == 0x7f));
        assertThat(log).contains("NOQUEUE: reject: FAKE\\x0dINJECTED from unknown[127.0.0.1]: 500 5.5.1 Command"
                + " FAKE\\x0dINJECTED unrecognized. proto=ESMTP helo=<evil\\x1b[31m.example>");
    }

}
