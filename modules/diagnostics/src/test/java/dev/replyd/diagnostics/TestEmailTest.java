package dev.replyd.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.FakeRelay;
import dev.replyd.outbound.Outbound;
import dev.replyd.outbound.Outbound.Auth;
import dev.replyd.outbound.Outbound.Security;
import dev.replyd.outbound.SmtpSubmission.Problem;
import dev.replyd.outbound.SmtpSubmission.Result;
import dev.replyd.testing.LoopbackPorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** test-email against a real SMTP relay on loopback (FakeRelay), as an operator would run it. */
class TestEmailTest {

    private static final String USER = "replyd@tracker.test";
    private static final String PASSWORD = "s3cret-relay-passw0rd";
    private static final String TO = "admin@example.test";
    /** The relay of most tests: it relays only after AUTH as USER with PASSWORD. */
    private static final FakeRelay.Behaviour RELAY = FakeRelay.Behaviour.authenticating(USER, PASSWORD);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream transcriptBytes = new ByteArrayOutputStream();
    private final PrintStream transcript = new PrintStream(transcriptBytes, true, StandardCharsets.UTF_8);

    @Test
    void acceptingRelayGetsTheMessageAndTheTranscriptShowsTheConversationWithAuthPlainMasked() throws Exception {
        try (FakeRelay relay = relay()) {
            Result result = TestEmail.send(outbound(relay.port(), Security.NONE, Auth.PLAIN), TO, transcript);

            assertThat(result.success()).as(transcript()).isTrue();
            assertThat(result.problem()).isEqualTo(Problem.NONE);
            assertThat(result.finalReply()).isEqualTo("250 2.0.0 Ok: queued as TEST1");
            assertThat(relay.authenticated()).isTrue();
            assertThat(relay.message()).contains("Subject: replyd test email", "Auto-Submitted: auto-generated",
                    "From: noreply@tracker.test", "To: " + TO);
            assertThat(transcript()).contains(
                    "*  connecting to 127.0.0.1:" + relay.port() + " (security none, auth plain)",
                    "<- 220 relay.test ESMTP fake",
                    "-> EHLO tracker.test",
                    "<- 250-AUTH PLAIN LOGIN",
                    "-> AUTH PLAIN ******** (user name and password)",
                    "<- 235 2.7.0 Authentication successful",
                    "-> MAIL FROM:<noreply@tracker.test>",
                    "-> RCPT TO:<" + TO + ">",
                    "-> DATA",
                    "-> Subject: replyd test email",
                    "-> .",
                    "<- 250 2.0.0 Ok: queued as TEST1",
                    "-> QUIT",
                    "<- 221 2.0.0 Bye",
                    "*  sent: the relay accepted the message for " + TO);
            assertNoCredentialIn(transcript() + result);
        }
    }

    @Test
    void authLoginMasksBothTheUserNameAndThePassword() throws Exception {
        try (FakeRelay relay = relay()) {
            Result result = TestEmail.send(outbound(relay.port(), Security.NONE, Auth.LOGIN), TO, transcript);

            assertThat(result.success()).as(transcript()).isTrue();
            assertThat(transcript()).contains("-> AUTH LOGIN", "<- 334 VXNlcm5hbWU6", "-> ******** (user name)",
                    "<- 334 UGFzc3dvcmQ6", "-> ******** (password)", "<- 235 2.7.0 Authentication successful");
            // What went over the wire was the real, encoded credentials.
            assertThat(relay.commands()).contains(b64(USER), b64(PASSWORD));
            assertNoCredentialIn(transcript());
        }
    }

    @Test
    void relayRejectingTheCredentialsWith535SaysTheyWereRejectedAndSendsNothing() throws Exception {
        try (FakeRelay relay = new FakeRelay(RELAY.rejectingEveryLogin())) {
            Result result = TestEmail.send(outbound(relay.port(), Security.NONE, Auth.PLAIN), TO, transcript);

            assertThat(result.success()).isFalse();
            assertThat(result.problem()).isEqualTo(Problem.AUTH_REJECTED);
            assertThat(result.diagnosis()).isEqualTo("the relay rejected the credentials for user \"" + USER
                    + "\": check replyd.outbound.username and password (some providers need an app password) "
                    + "(server said: 535 5.7.8 Error: authentication failed: authentication failure)");
            assertThat(result.finalReply()).startsWith("535 5.7.8");
            assertThat(relay.commands()).noneMatch(c -> c.startsWith("MAIL FROM"));
            assertThat(transcript()).endsWith("*  not sent: " + result.diagnosis() + System.lineSeparator());
            assertNoCredentialIn(transcript());
        }
    }

    @Test
    void relayRefusingUnauthenticatedRelayingIsDiagnosedAsRelayDenied() throws Exception {
        try (FakeRelay relay = relay()) {
            Result result = TestEmail.send(outbound(relay.port(), Security.NONE, Auth.NONE), TO, transcript);

            assertThat(result.problem()).isEqualTo(Problem.RELAY_DENIED);
            assertThat(result.diagnosis()).startsWith("the relay refuses to relay to " + TO + " for us: it needs "
                    + "authentication (replyd.outbound.auth)");
            assertThat(result.finalReply()).isEqualTo("554 5.7.1 <" + TO + ">: Relay access denied");
        }
    }

    @Test
    void connectionRefusedIsDiagnosedInPlainLanguage() throws Exception {
        int closed = LoopbackPorts.free();

        Result result = TestEmail.send(outbound(closed, Security.STARTTLS, Auth.PLAIN), TO, transcript);

        assertThat(result.problem()).isEqualTo(Problem.CONNECTION_REFUSED);
        assertThat(result.diagnosis()).isEqualTo("connection to 127.0.0.1:" + closed + " refused: no mail server "
                + "listens there (check replyd.outbound.host and port) or a firewall rejects it");
    }

    @Test
    void serverThatNeverGreetsTimesOut() throws Exception {
        try (FakeRelay silent = new FakeRelay(RELAY.silent())) {
            Result result = TestEmail.send(outbound(silent.port(), Security.NONE, Auth.NONE), TO, transcript,
                    Duration.ofMillis(400));

            assertThat(result.problem()).isEqualTo(Problem.TIMEOUT);
            assertThat(result.diagnosis()).startsWith("no answer from 127.0.0.1:" + silent.port() + " during greeting");
        }
    }

    @Test
    void starttlsRequiredButNotOfferedStopsBeforeSendingCredentials() throws Exception {
        try (FakeRelay relay = relay()) {
            Result result = TestEmail.send(outbound(relay.port(), Security.STARTTLS, Auth.PLAIN), TO, transcript);

            assertThat(result.problem()).isEqualTo(Problem.STARTTLS_NOT_OFFERED);
            assertThat(relay.commands()).noneMatch(c -> c.startsWith("AUTH"));
        }
    }

    @Test
    void starttlsWithACertificateTheJvmDoesNotTrustFailsTheHandshake() throws Exception {
        TestCertificates.selfSigned(dir, "relay", 30, "DNS:localhost");
        FakeRelay.Behaviour tls = RELAY.withStartTls(TestCertificates.serverContext(dir, "relay"));
        try (FakeRelay relay = new FakeRelay(tls)) {
            Result result = TestEmail.send(outbound("localhost", relay.port(), Security.STARTTLS, Auth.PLAIN), TO,
                    transcript);

            assertThat(result.problem()).isEqualTo(Problem.TLS_HANDSHAKE);
            assertThat(result.diagnosis()).isEqualTo("the TLS handshake with localhost:" + relay.port() + " failed: "
                    + "the server's certificate is not trusted by this JVM (self-signed, or an intermediate "
                    + "certificate is missing on the server)");
            assertThat(transcript()).contains("-> STARTTLS", "<- 220 2.0.0 Ready to start TLS",
                    "*  starting TLS with localhost");
            assertThat(relay.commands()).noneMatch(c -> c.startsWith("AUTH"));
        }
    }

    @Test
    void starttlsWithATrustedCertificateAuthenticatesInsideTls() throws Exception {
        Path cert = TestCertificates.selfSigned(dir, "relay", 30, "DNS:localhost");
        FakeRelay.Behaviour tls = RELAY.withStartTls(TestCertificates.serverContext(dir, "relay"));
        SSLSocketFactory trusting = TestCertificates.trusting(cert);
        try (FakeRelay relay = new FakeRelay(tls)) {
            Result result = TestEmail.send(outbound("localhost", relay.port(), Security.STARTTLS, Auth.LOGIN), TO,
                    transcript, Duration.ofSeconds(10), trusting);

            assertThat(result.success()).as(transcript()).isTrue();
            String text = transcript();
            assertThat(text).containsPattern("\\*  TLS started: TLSv1\\.[23] \\S+, server certificate CN=relay");
            assertThat(text.indexOf("*  TLS started")).isLessThan(text.indexOf("-> AUTH LOGIN"));
            assertThat(relay.commands()).containsSubsequence("STARTTLS", "EHLO tracker.test", "AUTH LOGIN");
        }
    }

    @Test
    void implicitTlsAgainstAPlainTextServerSaysToUseStarttls() throws Exception {
        try (FakeRelay plain = relay()) {
            Result result = TestEmail.send(outbound(plain.port(), Security.TLS, Auth.PLAIN), TO, transcript,
                    Duration.ofSeconds(5));

            assertThat(result.problem()).isEqualTo(Problem.TLS_HANDSHAKE);
            assertThat(result.diagnosis()).startsWith("TLS with 127.0.0.1:" + plain.port() + " failed (")
                    .endsWith("): the server does not speak TLS on this port; use security = starttls for ports "
                            + "25/587, tls only for 465");
        }
    }

    @Test
    void utf8RecipientGetsTheTestEmailWithSmtpUtf8AndAUtf8ToFieldThroughARelayThatOffersIt() throws Exception {
        try (FakeRelay relay = new FakeRelay(RELAY.withSmtpUtf8())) {
            Result result = TestEmail.send(outbound(relay.port(), Security.NONE, Auth.PLAIN), "josé@correo.example",
                    transcript);

            assertThat(result.success()).as(transcript()).isTrue();
            assertThat(relay.mailParameters()).containsExactly("SMTPUTF8");
            assertThat(relay.message()).contains("To: josé@correo.example\n", "From: noreply@tracker.test\n",
                    "Content-Type: text/plain; charset=UTF-8");
            assertThat(transcript()).contains("-> MAIL FROM:<noreply@tracker.test> SMTPUTF8",
                    "-> RCPT TO:<josé@correo.example>", "-> To: josé@correo.example",
                    "*  sent: the relay accepted the message for josé@correo.example");
        }
    }

    @Test
    void utf8RecipientThroughARelayWithoutSmtpUtf8IsNotSentAndTheDiagnosisSaysWhy() throws Exception {
        try (FakeRelay relay = relay()) {
            Result result = TestEmail.send(outbound(relay.port(), Security.NONE, Auth.PLAIN), "用户@例子.广告",
                    transcript);

            assertThat(result.problem()).isEqualTo(Problem.SMTPUTF8_NOT_OFFERED);
            assertThat(result.diagnosis()).isEqualTo("relay 127.0.0.1:" + relay.port() + " does not offer SMTPUTF8, "
                    + "needed for 用户@例子.广告 (RFC 6531; nothing was sent: use a relay that offers it, such as "
                    + "Postfix 3.0 or later with smtputf8_enable = yes)");
            assertThat(relay.authenticated()).isFalse();
            assertThat(relay.mailParameters()).isEmpty();
            assertThat(transcript()).contains("-> EHLO tracker.test", "-> QUIT", "*  not sent: " + result.diagnosis());
        }
    }

    @Test
    void recipientThatIsNotAnAddressIsRefusedBeforeConnecting() {
        Result result = TestEmail.send(outbound(1, Security.NONE, Auth.NONE), "admin\r\nRCPT TO:<x@y>", transcript);

        assertThat(result.problem()).isEqualTo(Problem.INVALID_ADDRESS);
        assertThat(result.diagnosis()).isEqualTo("--to: \"admin\\x0d\\x0aRCPT TO:<x@y>\" is not a plain mail address "
                + "(expected: local@domain)");
        assertThat(transcript()).doesNotContain("connecting");
    }

    private static FakeRelay relay() throws IOException {
        return new FakeRelay(RELAY);
    }

    private String transcript() {
        return transcriptBytes.toString(StandardCharsets.UTF_8);
    }

    private static void assertNoCredentialIn(String text) {
        assertThat(text).doesNotContain(PASSWORD, b64(PASSWORD), b64(USER), b64("\0" + USER + "\0" + PASSWORD));
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Outbound outbound(int port, Security security, Auth auth) {
        return outbound("127.0.0.1", port, security, auth);
    }

    private static Outbound outbound(String host, int port, Security security, Auth auth) {
        return new Outbound(host, port, "tracker.test", security, auth, USER,
                PASSWORD.getBytes(StandardCharsets.UTF_8), "noreply@tracker.test");
    }
}
