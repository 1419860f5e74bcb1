package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.replyd.testing.RecordingLog;
import dev.replyd.testing.SmtpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SMTPUTF8 (RFC 6531/6532): UTF-8 senders and IDN domains accepted with the parameter, refused
 * without it, stored and logged as written; REQUIRETLS refused without TLS; swaks and Python's
 * smtplib as real clients.
 */
class SmtpUtf8Test {
    @RegisterExtension final TestServers servers = new TestServers();
    @RegisterExtension final RecordingLog mailLog = new RecordingLog("mail");

    @Test
    void utf8SenderWithIdnDomainAndUtf8HeadersIsStoredAndLoggedAsWritten() throws Exception {
        // given
        TestServer replyd = servers.start();
        String reply = replyd.replyAddress(40, 1);
        String sender = "用户.josé@例子.广告";
        String message = "From: José <" + sender + ">\r\nSubject: Réponse — 答复\r\n\r\nMerci ✓\r\n";
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            // when
            smtp.write(("MAIL FROM:<" + sender + "> SMTPUTF8 BODY=8BITMIME\r\n").getBytes(StandardCharsets.UTF_8));
            assertThat(smtp.reply()).isEqualTo("250 2.1.0 Ok");
            smtp.rcptTo(reply);
            String queued = smtp.data(message.getBytes(StandardCharsets.UTF_8));

            // then
            assertThat(queued).startsWith("250 2.0.0 Ok: queued as ");
        }
        String stored = new String(Files.readAllBytes(replyd.newFiles().get(0)), StandardCharsets.UTF_8);
        assertThat(stored).startsWith("Return-Path: <" + sender + ">\r\n").contains(" with UTF8SMTP id ")
                .endsWith("\r\n" + message);
        assertThat(mailLog.messages())
                .anyMatch(line -> line.contains(": from=<" + sender + ">, size="));
    }

    @ParameterizedTest(name = "MAIL FROM {0} is refused with \"{2}\"")
    @MethodSource("refusedSenders")
    void mailFromTheSessionCannotTakeIsRefusedWithItsOwnReplyAndLoggedEscaped(String command, String reply)
            throws Exception {
        // given
        TestServer replyd = servers.start();
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            // when
            smtp.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));

            // then
            assertThat(smtp.reply()).isEqualTo(reply);
        }
        assertThat(mailLog.messages()).noneMatch(line -> line.chars().anyMatch(c -> c < 0x20 || c == 0x202e));
    }

    static Stream<Arguments> refusedSenders() {
        return Stream.of(
                arguments(named("with a non-ASCII address but without the SMTPUTF8 parameter",
                        "MAIL FROM:<josé@correo.example>"), "553 5.6.7 Error: SMTPUTF8 is required for a non-ASCII address"),
                arguments(named("with REQUIRETLS on a session without TLS", "MAIL FROM:<alice@example.org> REQUIRETLS"),
                        "530 5.7.10 Error: REQUIRETLS needs a TLS session"),
                arguments(named("with SMTPUTF8 and a CR and a right-to-left override in the address",
                        "MAIL FROM:<jos\u00e9\r\u202e@correo.example> SMTPUTF8"), "501 5.1.7 Error: bad sender address syntax"),
                arguments(named("with SMTPUTF8 and a space in the local part", "MAIL FROM:<a b\u00e9@correo.example> SMTPUTF8"),
                        "501 5.1.7 Error: bad sender address syntax"));
    }

    @Test
    void swaksSeesSmtputf8AndChunkingInEhloAndRequiretlsAfterStartTls(@TempDir Path work) throws Exception {
        // given
        TestServer replyd = servers.startWithTls();

        // when
        ExternalCommand.Result plain = ExternalCommand.run(work, List.of("swaks", "--server", "127.0.0.1", "--port",
                Integer.toString(replyd.port()), "--helo", "client.example.org", "--quit-after", "EHLO"));
        ExternalCommand.Result tls = ExternalCommand.run(work, List.of("swaks", "--server", "127.0.0.1", "--port",
                Integer.toString(replyd.port()), "--helo", "client.example.org", "--tls", "--quit-after", "EHLO"));

        // then
        assertThat(plain.exitCode()).as(plain.output()).isZero();
        assertThat(plain.output()).contains("<-  250-SMTPUTF8", "<-  250-CHUNKING").doesNotContain("REQUIRETLS");
        assertThat(tls.exitCode()).as(tls.output()).isZero();
        assertThat(tls.output()).contains("<~  250-SMTPUTF8", "<~  250-CHUNKING", "<~  250-REQUIRETLS");
    }

    @Test
    void pythonSmtplibSendsAUtf8SenderAndSubjectWithTheSmtputf8Option(@TempDir Path work) throws Exception {
        // given
        TestServer replyd = servers.start();
        String reply = replyd.replyAddress(40, 2);
        Path script = Files.writeString(work.resolve("send.py"), String.join("\n",
                "import smtplib, sys",
                "from email.message import EmailMessage",
                "m = EmailMessage()",
                "m['From'] = 'Zoë <zoë@exämple.org>'",
                "m['To'] = sys.argv[2]",
                "m['Subject'] = 'Re: 修正 ✓'",
                "m.set_content('Danke schön')",
                "with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as s:",
                "    s.ehlo('client.example.org')",
                "    assert s.has_extn('smtputf8') and s.has_extn('chunking'), s.esmtp_features",
                "    s.send_message(m, from_addr='zoë@exämple.org', to_addrs=[sys.argv[2]], mail_options=['SMTPUTF8'])",
                "print('sent')", ""));

        // when
        ExternalCommand.Result python = ExternalCommand.run(work, List.of("python3", script.toString(),
                Integer.toString(replyd.port()), reply));

        // then
        assertThat(python.exitCode()).as(python.output()).isZero();
        String stored = new String(Files.readAllBytes(replyd.newFiles().get(0)), StandardCharsets.UTF_8);
        assertThat(stored).startsWith("Return-Path: <zoë@exämple.org>\r\n")
                .contains("\r\nFrom: Zoë <zoë@exämple.org>\r\n", "\r\nSubject: Re: 修正 ✓\r\n");
    }
    @Test
    void jakartaMailWithAllowUtf8SendsAUtf8SenderWithSmtputf8() throws Exception {
        // given: Angus sends MAIL FROM ... SMTPUTF8 when mail.mime.allowutf8 is on and the server offers it
        TestServer replyd = servers.start();
        String reply = replyd.replyAddress(40, 3);
        jakarta.mail.Session session = JakartaMailClient.session(replyd.port(), false);
        session.getProperties().put("mail.mime.allowutf8", "true");
        jakarta.mail.internet.MimeMessage message = JakartaMailClient.message(session, "zoë@exämple.org",
                "Re: überall ✓", "Passt.\n", reply);

        // when
        String answer = JakartaMailClient.send(session, message);

        // then
        assertThat(answer).startsWith("250 2.0.0 Ok: queued as ");
        String stored = new String(Files.readAllBytes(replyd.newFiles().get(0)), StandardCharsets.UTF_8);
        assertThat(stored).startsWith("Return-Path: <zoë@exämple.org>\r\n").contains(" with UTF8SMTP id ")
                .contains("\r\nFrom: zoë@exämple.org\r\n");
    }

}
