package dev.replyd.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.outbound.Outbound.Auth;
import dev.replyd.outbound.Outbound.Security;
import dev.replyd.outbound.SmtpSubmission.Problem;
import dev.replyd.outbound.SmtpSubmission.Result;
import dev.replyd.testing.FakeRelay;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The general submission against a real SMTP relay on loopback: envelope, transparency, refused input. */
class SmtpSubmissionTest {

    private static final byte[] MESSAGE = ("From: noreply@tracker.test\r\nTo: alice@example.org\r\n"
            + "Subject: hello\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);

    private final ByteArrayOutputStream transcriptBytes = new ByteArrayOutputStream();
    private final PrintStream transcript = new PrintStream(transcriptBytes, true, StandardCharsets.UTF_8);
    /** The relay of most tests: it takes any message, without SMTPUTF8. */
    private FakeRelay relay;

    @BeforeEach
    void startTheOpenRelay() throws IOException {
        relay = new FakeRelay(FakeRelay.Behaviour.open());
    }

    @AfterEach
    void stopTheRelay() throws IOException {
        relay.close();
    }

    @Test
    void emptyReversePathIsSentAsTheNullSender() throws Exception {
        Result result = submit("", "alice@example.org", MESSAGE);

        assertThat(result.success()).as(transcript()).isTrue();
        assertThat(relay.commands()).containsSubsequence("EHLO tracker.test", "MAIL FROM:<>",
                "RCPT TO:<alice@example.org>", "DATA", "QUIT");
        assertThat(relay.messages()).singleElement().asString().contains("Subject: hello", "body");
        assertThat(transcript()).contains("-> MAIL FROM:<>", "<- 250 2.0.0 Ok: queued as TEST1",
                "*  sent: the relay accepted the message for alice@example.org");
    }

    @Test
    void givenReversePathIsTheEnvelopeSender() throws Exception {
        Result result = submit("bounces@tracker.test", "alice@example.org", MESSAGE);

        assertThat(result.success()).as(transcript()).isTrue();
        assertThat(relay.commands()).contains("MAIL FROM:<bounces@tracker.test>");
    }

    @Test
    void recipientWithALineBreakIsRefusedBeforeConnecting() throws Exception {
        Result result = submit("", "alice@example.org\r\nRCPT TO:<x@y>", MESSAGE);

        assertThat(result.problem()).isEqualTo(Problem.INVALID_ADDRESS);
        assertThat(result.diagnosis()).isEqualTo("recipient: \"alice@example.org\\x0d\\x0aRCPT TO:<x@y>\" is not a "
                + "plain mail address (expected: local@domain)");
        assertThat(transcript()).doesNotContain("connecting")
                .endsWith("*  not sent: " + result.diagnosis() + System.lineSeparator());
        assertThat(relay.connections()).isZero();
    }

    @Test
    void utf8RecipientIsSentWithSmtpUtf8WhenTheRelayOffersIt() throws Exception {
        try (FakeRelay utf8Relay = new FakeRelay(FakeRelay.Behaviour.open().withSmtpUtf8())) {
            Result result = submit(utf8Relay, "", "josé@correo.example", MESSAGE);

            assertThat(result.success()).as(transcript()).isTrue();
            assertThat(utf8Relay.mailParameters()).containsExactly("SMTPUTF8");
            assertThat(utf8Relay.commands()).containsSubsequence("EHLO tracker.test", "MAIL FROM:<> SMTPUTF8",
                    "RCPT TO:<josé@correo.example>", "DATA", "QUIT");
            assertThat(result.diagnosis()).startsWith("the relay accepted the message for josé@correo.example ");
        }
    }

    @Test
    void utf8RecipientIsNotSentThroughARelayWithoutSmtpUtf8AndTheDiagnosisSaysWhy() throws Exception {
        Result result = submit("bounces@tracker.test", "用户@例子.广告", MESSAGE);

        assertThat(result.problem()).isEqualTo(Problem.SMTPUTF8_NOT_OFFERED);
        assertThat(result.diagnosis()).isEqualTo("relay 127.0.0.1:" + relay.port() + " does not offer SMTPUTF8, "
                + "needed for 用户@例子.广告 (RFC 6531; nothing was sent: use a relay that offers it, such as "
                + "Postfix 3.0 or later with smtputf8_enable = yes)");
        assertThat(relay.commands()).containsExactly("EHLO tracker.test", "QUIT");
        assertThat(transcript()).endsWith("*  not sent: " + result.diagnosis() + System.lineSeparator());
    }

    @Test
    void utf8HeaderFieldNeedsSmtpUtf8ButAUtf8BodyDoesNot() throws Exception {
        byte[] utf8From = ("From: José <josé@tracker.test>\r\nTo: alice@example.org\r\nSubject: hello\r\n\r\n"
                + "body\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] utf8Body = ("From: noreply@tracker.test\r\nTo: alice@example.org\r\nSubject: hello\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n¿Qué?\r\n")
                .getBytes(StandardCharsets.UTF_8);
        Result header = submit("", "alice@example.org", utf8From);
        Result body = submit("", "alice@example.org", utf8Body);

        assertThat(header.problem()).isEqualTo(Problem.SMTPUTF8_NOT_OFFERED);
        assertThat(header.diagnosis()).startsWith("relay 127.0.0.1:" + relay.port() + " does not offer "
                + "SMTPUTF8, needed for a header field (RFC 6531;");
        assertThat(body.success()).as(transcript()).isTrue();
        assertThat(relay.mailParameters()).containsExactly("");
        assertThat(relay.messages()).singleElement().asString().contains("¿Qué?");
        assertThat(transcript()).contains("-> ¿Qué?");
    }

    @Test
    void messageLinesStartingWithADotAreDoubledSoTheyCannotEndTheData() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> wire = CompletableFuture.supplyAsync(() -> {
                try (Socket peer = server.accept()) {
                    peer.getOutputStream().write("250 ok\r\n".getBytes(StandardCharsets.US_ASCII));
                    peer.shutdownOutput();
                    return new String(peer.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    return "server failed: " + e;
                }
            });
            try (SmtpConversation smtp = SmtpConversation.open("127.0.0.1", server.getLocalPort(), false,
                    (SSLSocketFactory) SSLSocketFactory.getDefault(), Duration.ofSeconds(5), transcript)) {

                smtp.data("first\n.\n..two\r\nlast".getBytes(StandardCharsets.US_ASCII));
            }

            assertThat(wire.get(5, TimeUnit.SECONDS))
                    .isEqualTo("first\r\n..\r\n...two\r\nlast\r\n.\r\n");
        }
    }

    private String transcript() {
        return transcriptBytes.toString(StandardCharsets.UTF_8);
    }

    private static Outbound outbound(int port) {
        return new Outbound("127.0.0.1", port, "tracker.test", Security.NONE, Auth.NONE, "", null,
                "noreply@tracker.test");
    }

    /** Submits {@code message} through {@link #relay}. */
    private Result submit(String from, String to, byte[] message) throws Exception {
        return submit(relay, from, to, message);
    }

    /** Submits {@code message} through {@code relay} with the test's transcript and a 5 s timeout. */
    private Result submit(FakeRelay relay, String from, String to, byte[] message) throws Exception {
        return SmtpSubmission.send(outbound(relay.port()), from, to, message, transcript, Duration.ofSeconds(5));
    }
}
