package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.replyd.address.ReplyToken;
import dev.replyd.testing.SmtpClient;
import jakarta.mail.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** swaks (Debian) and Jakarta Mail as real clients: plain, pipelined, STARTTLS, multi-recipient, SIZE. */
class SwaksInteropTest {
    @RegisterExtension final TestServers servers = new TestServers();

    @TempDir
    Path work;

    private TestServer replyd;

    @Test
    void swaksPipelinedTransactionIsQueuedAndStored() throws Exception {
        // given
        replyd = servers.start();
        String reply = replyd.replyAddress(5, 6);

        // when
        ExternalCommand.Result swaks = swaks("--pipeline", "--to", reply, "--header", "Subject: pipelined reply",
                "--body", "Thanks, merged.");

        // then
        assertThat(swaks.exitCode()).as(swaks.output()).isZero();
        assertThat(swaks.output()).containsPattern("<- +250 2\\.0\\.0 Ok: queued as [0-9A-F]+");
        assertThat(replyd.onlyMessage()).contains("Subject: pipelined reply").contains("Thanks, merged.");
    }

    @Test
    void swaksStartTlsSessionIsEncryptedAndRecordedAsEsmtpsInReceived() throws Exception {
        // given
        replyd = servers.startWithTls();
        String reply = replyd.replyAddress(5, 6);

        // when
        ExternalCommand.Result swaks = swaks("--tls", "--pipeline", "--to", reply, "--body", "over TLS");

        // then
        assertThat(swaks.exitCode()).as(swaks.output()).isZero();
        assertThat(swaks.output()).contains("STARTTLS").contains("TLS started with cipher TLSv1.3");
        assertThat(replyd.onlyMessage()).containsPattern(
                "Received: from client\\.example\\.org \\(unknown \\[127\\.0\\.0\\.1\\]\\)\r\n"
                        + "\t\\(using TLSv1\\.3 with cipher TLS_[A-Z0-9_]+\\)\r\n"
                        + "\tby tracker\\.test \\(replyd\\) with ESMTPS id ");
    }

    @ParameterizedTest(name = "STARTTLS with a command behind it in one packet, {0}, is refused and the session ended")
    @MethodSource("startTlsInjections")
    void startTlsPipelinedWithAnotherCommandIsRefused(Step given, String packet, List<String> repliesBeforeStartTls)
            throws Exception {
        // given
        replyd = servers.startWithTls();
        try (SmtpClient smtp = SmtpClient.greeted(replyd.port())) {
            given.run(smtp);

            // when: CVE-2021-38542 style injection, a plaintext command behind STARTTLS in one packet
            smtp.write(packet);

            // then
            for (String code : repliesBeforeStartTls) {
                assertThat(smtp.reply()).startsWith(code);
            }
            assertThat(smtp.reply()).isEqualTo("554 5.5.1 Error: command pipelined after STARTTLS");
            assertThat(smtp.closedByServer()).isTrue();
        }
    }

    /** What a session did before the packet, the packet with STARTTLS in it, and the replies due before STARTTLS's. */
    static Stream<Arguments> startTlsInjections() {
        String reply = TestServer.codec().mint(new ReplyToken("i", 1, 1));
        String injection = "STARTTLS\r\nMAIL FROM:<injected@example.org>\r\n";
        return Stream.of(
                arguments(named("after a first message (James 3.8.1 stops injection detection at DATA for good)",
                        (Step) smtp -> smtp.sendMessage("alice@example.org", reply, "Subject: first\r\n\r\nx\r\n")),
                        injection, List.of()),
                arguments(named("itself behind a NOOP (the framer judges the line it frames)", (Step) smtp -> { }),
                        "NOOP\r\n" + injection, List.of("250")),
                arguments(named("after a refused DATA (James switched injection detection off before refusing it)",
                        (Step) smtp -> {
                            smtp.mailFrom("alice@example.org");
                            smtp.sendExpecting("RCPT TO:<victim@gmail.com>", "550");
                            smtp.sendExpecting("DATA", "554");
                        }), "STARTTLS\r\nRSET\r\n", List.of()));
    }

    /** Commands a session sends before the packet under test. */
    interface Step {
        void run(SmtpClient smtp) throws IOException;
    }

    @Test
    void tls11IsRefused() throws Exception {
        // given
        replyd = servers.startWithTls();

        // when
        ExternalCommand.Result client = ExternalCommand.run(work, List.of("openssl", "s_client", "-starttls", "smtp",
                "-connect", "127.0.0.1:" + replyd.port(), "-tls1_1", "-brief"));

        // then
        assertThat(client.exitCode()).as(client.output()).isNotZero();
        assertThat(client.output()).doesNotContain("Protocol version: TLSv1.1");
    }

    @Test
    void jakartaMailRequiringStartTlsDelivers() throws Exception {
        // given
        replyd = servers.startWithTls();
        String reply = replyd.replyAddress(77, 1);
        Session session = JakartaMailClient.session(replyd.port(), true);

        // when
        String answer = JakartaMailClient.send(session,
                JakartaMailClient.message(session, "alice@example.org", "tls", "secret plans\n", reply));

        // then
        assertThat(answer).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(replyd.onlyMessage()).contains("with ESMTPS id ").contains("secret plans");
    }

    @Test
    void reloadedCertificateIsOfferedToNewConnections() throws Exception {
        // given: started without TLS
        replyd = servers.start();
        Path[] pem = ExternalCommand.selfSignedCertificate(work, "renewed");

        // when
        replyd.server.reloadTls(pem[0], pem[1]);

        // then
        ExternalCommand.Result swaks = swaks("--tls", "--to", replyd.replyAddress(1, 1), "--body", "after reload");
        assertThat(swaks.exitCode()).as(swaks.output()).isZero();
        assertThat(replyd.onlyMessage()).contains("with ESMTPS id ");
    }

    @Test
    void unusableCertificateFilesAreNamedInTheError() throws Exception {
        // given
        replyd = servers.start();
        Path notPem = Files.writeString(work.resolve("cert.pem"), "not a certificate");

        // when / then
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> replyd.server.reloadTls(notPem, work.resolve("missing.key")))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageStartingWith("replyd.smtp.tls.key: " + work.resolve("missing.key") + " is not a readable file");
        Path[] pem = ExternalCommand.selfSignedCertificate(work, "ok");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> replyd.server.reloadTls(notPem, pem[1]))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("replyd.smtp.tls: cannot use certificate " + notPem)
                .hasMessageContaining("PKCS#8");
    }

    @Test
    void multiRecipientMessageGivesOneFilePerRecipientWithTheSameBody() throws Exception {
        // given
        replyd = servers.start();
        String first = replyd.replyAddress(10, 1);
        String second = replyd.replyAddress(10, 2);

        // when
        ExternalCommand.Result swaks = swaks("--to", first + "," + second + ",postmaster@tracker.test",
                "--header", "Subject: to three", "--body", "shared body");

        // then
        assertThat(swaks.exitCode()).as(swaks.output()).isZero();
        List<String> files = new ArrayList<>();
        replyd.newFiles().forEach(file -> files.add(replyd.read(file)));
        assertThat(files).hasSize(3);
        assertThat(files).anySatisfy(text -> assertThat(text).contains("Delivered-To: " + first + "\r\n"))
                .anySatisfy(text -> assertThat(text).contains("Delivered-To: " + second + "\r\n"))
                .anySatisfy(text -> assertThat(text).contains("Delivered-To: postmaster@tracker.test\r\n"))
                .allSatisfy(text -> assertThat(text).doesNotContain("\tfor <"));
        List<String> bodies = files.stream().map(text -> text.substring(text.indexOf("Received: "))).distinct().toList();
        assertThat(bodies).hasSize(1);
    }

    @Test
    void eightBitUtf8BodyFromSwaksIsStoredUnchanged() throws Exception {
        // given
        replyd = servers.start();
        String body = "Grüße aus Köln — ça marche ✓";

        // when
        ExternalCommand.Result swaks = swaks("--to", replyd.replyAddress(3, 3),
                "--header", "Content-Type: text/plain; charset=UTF-8", "--header", "Content-Transfer-Encoding: 8bit",
                "--body", body);

        // then
        assertThat(swaks.exitCode()).as(swaks.output()).isZero();
        String stored = new String(Files.readAllBytes(replyd.newFiles().get(0)), StandardCharsets.UTF_8);
        assertThat(stored).contains(body);
    }

    @Test
    void oversizedMessageFromSwaksIsRefusedWith552() throws Exception {
        // given
        replyd = servers.start(settings -> settings.withLimits(32 * 1024, 50));
        Path body = Files.writeString(work.resolve("big.txt"), ("z".repeat(70) + "\n").repeat(1000));

        // when
        ExternalCommand.Result swaks = swaks("--to", replyd.replyAddress(3, 3), "--body", "@" + body);

        // then
        assertThat(swaks.exitCode()).as(swaks.output()).isNotZero();
        assertThat(swaks.output()).contains("552 5.3.4 Error: message file too big");
        assertThat(replyd.newFiles()).isEmpty();
        assertThat(replyd.tmpFiles()).isEmpty();
    }

    private ExternalCommand.Result swaks(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1", "--port",
                Integer.toString(replyd.port()), "--helo", "client.example.org", "--from", "alice@example.org",
                "--timeout", "20"));
        command.addAll(List.of(arguments));
        return ExternalCommand.run(work, command);
    }
}
