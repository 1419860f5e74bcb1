package dev.replyd.auth;

import static dev.replyd.auth.TestMessages.TRACE;
import static dev.replyd.auth.TestMessages.keyRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.LoopbackDnsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures made by another implementation: OpenDKIM's {@code opendkim-testmsg} (Debian package
 * opendkim-tools, installed by scripts/test), which signs rsa-sha1, relaxed headers, simple body, with a
 * folded DKIM-Signature field. Verifying such a signature cryptographically gives {@code policy} (SHA-1 is
 * not relied on, RFC 8301); any mismatch in how we read the message would give {@code fail}.
 */
class OpendkimInteropTest {

    private static final String SIGNER = "/usr/sbin/opendkim-testmsg";

    @TempDir
    Path dir;

    private LoopbackDnsServer dns;
    private SenderAuthenticator authenticator;
    private static KeyPair key;

    @BeforeAll
    static void generateKey() {
        key = TestMessages.rsaKey();
    }

    @BeforeEach
    void setUp() throws Exception {
        assertThat(Path.of(SIGNER)).as("%s missing: apt-get install opendkim-tools", SIGNER).isExecutable();
        dns = LoopbackDnsServer.answering();
        dns.txt("odk._domainkey.example.com", keyRecord(key));
        authenticator = new SenderAuthenticator(new SenderAuthenticator.Settings(
                List.of(dns.address()), Duration.ofSeconds(2), "reply.test"));
    }

    @AfterEach
    void tearDown() {
        dns.close();
    }

    @Test
    void aSignatureByOpendkimVerifiesAndIsOnlyRefusedForItsSha1() throws Exception {
        String signed = opendkimSigned("From: Alice <alice@example.com>\r\nTo: bob@example.org\r\n"
                + "Subject: Re: hello   world\r\n\tfolded\r\nDate: Sat, 28 Nov 2026 01:00:00 +0000\r\n"
                + "Message-ID: <a@example.com>\r\n\r\nbody  line \r\n\r\n\r\n");

        AuthResults results = verify(signed);

        assertThat(signed).startsWith("DKIM-Signature: v=1; a=rsa-sha1;");
        assertThat(results.dkim()).containsExactly(new DkimResult("policy", "example.com", "odk"));
    }

    @Test
    void anOpendkimSignatureOverUtf8HeaderFieldsVerifies() throws Exception {
        // RFC 6532 header text; needs the UTF-8 default charset this module's tests run with (pom argLine)
        String signed = opendkimSigned("From: Jörg Müller <joerg@example.com>\r\nTo: bob@example.org\r\n"
                + "Subject: Re: Grüße aus Köln\r\nDate: Sat, 28 Nov 2026 01:00:00 +0000\r\n\r\nDanke!\r\n");

        AuthResults results = verify(signed);

        assertThat(results.dkim()).containsExactly(new DkimResult("policy", "example.com", "odk"));
    }

    @Test
    void aByteChangedInAnOpendkimSignedBodyFails() throws Exception {
        String signed = opendkimSigned("From: Alice <alice@example.com>\r\nTo: bob@example.org\r\n"
                + "Subject: hello\r\nDate: Sat, 28 Nov 2026 01:00:00 +0000\r\n\r\nbody line\r\n");

        AuthResults results = verify(signed.replace("body line", "body lime"));

        assertThat(results.dkim()).containsExactly(new DkimResult("fail", "example.com", "odk"));
    }

    private AuthResults verify(String message) throws IOException {
        Path file = dir.resolve("stored.eml");
        Files.writeString(file, String.format(TRACE, "alice@example.com") + message, StandardCharsets.UTF_8);
        return authenticator.verify(file, InetAddress.getByName("192.0.2.10"), "mail.example.com",
                "alice@example.com");
    }

    private String opendkimSigned(String message) throws IOException, InterruptedException {
        Path keyFile = dir.resolve("odk.pem");
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Path in = dir.resolve("in.eml");
        Files.writeString(in, message, StandardCharsets.UTF_8);
        Path out = dir.resolve("signed.eml");
        Process signer = new ProcessBuilder(SIGNER, "-C", "-d", "example.com", "-s", "odk",
                "-k", keyFile.toString(), "-t", dir.toString())
                .redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!signer.waitFor(30, TimeUnit.SECONDS)) {
            signer.destroyForcibly();
            throw new AssertionError(SIGNER + " did not finish in 30 s");
        }
        assertThat(signer.exitValue()).as("%s exit status", SIGNER).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
