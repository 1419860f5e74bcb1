package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Exim 4 relaying into replyd over loopback: it uses CHUNKING (BDAT) when offered, as
 * Exchange does. Exim runs from the command line with its own configuration and spool in a test
 * directory (no daemon, never port 25): the message is submitted as with sendmail, with Unix line
 * ends, and delivered at once ({@code -odi}) through an smtp transport to replyd's port.
 *
 * <p>Exim and Postfix conflict as Debian packages, so scripts/test unpacks exim4-daemon-light without
 * installing it and passes the binary in {@code REPLYD_TEST_EXIM}; /usr/sbin/exim4 is used when
 * Exim is installed. The binary needs its compiled-in user, Debian-exim, and root to start.
 */
class EximRelayTest {
    @RegisterExtension final TestServers servers = new TestServers();

    @TempDir
    Path work;

    private TestServer replyd;
    private Path exim;

    @BeforeEach
    void requireExim() throws Exception {
        String configured = System.getenv("REPLYD_TEST_EXIM");
        exim = configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("/usr/sbin/exim4");
        assumeTrue(Files.isExecutable(exim), "Exim is not available (" + exim + "): scripts/test unpacks"
                + " exim4-daemon-light and sets REPLYD_TEST_EXIM");
        assumeTrue("root".equals(System.getProperty("user.name")), "Exim must be started as root here");
        assumeTrue(ExternalCommand.run(work, List.of("getent", "passwd", "Debian-exim")).exitCode() == 0,
                "Exim's user Debian-exim does not exist (scripts/test creates it)");
    }

    @Test
    void eximRelaysAMessageWithUnixLineEndsIntoReplydWithBdat() throws Exception {
        // given
        replyd = servers.start();
        String reply = replyd.replyAddress(2025, 3);

        // when
        String transcript = relay(reply, "relayed by exim");

        // then
        assertThat(transcript).contains("250-CHUNKING").containsPattern("SMTP.> BDAT \\d+ LAST")
                .containsPattern("250 2\\.0\\.0 Ok: queued as [0-9A-F]+");
        assertStored(reply, "relayed by exim");
        assertThat(replyd.onlyMessage()).contains(") with ESMTP id ");
    }

    @Test
    void eximRelaysWithBdatInsideStartTls() throws Exception {
        // given: replyd offers STARTTLS; Exim uses it opportunistically (self-signed certificate)
        replyd = servers.startWithTls();
        String reply = replyd.replyAddress(2025, 4);

        // when
        String transcript = relay(reply, "relayed by exim over tls");

        // then
        assertThat(transcript).contains("SMTP>> STARTTLS").containsPattern("SMTP.> BDAT \\d+ LAST");
        assertStored(reply, "relayed by exim over tls");
        assertThat(replyd.onlyMessage()).containsPattern("\\(using TLSv1\\.[23] with cipher [A-Z0-9_-]+\\)")
                .contains(") with ESMTPS id ");
    }

    /** Submits a message with Unix line ends and a line of one dot; returns Exim's verbose transcript. */
    private String relay(String reply, String subject) throws Exception {
        Path config = eximConfig(replyd.port());
        String message = "From: Bob <bob@sender.test>\nTo: " + reply + "\nSubject: " + subject + "\n"
                + "Message-ID: <exim-relay-test@sender.test>\n\nHello through Exim.\n.\nA line with only a dot above.\n";
        Process submit = new ProcessBuilder(exim.toString(), "-C", config.toString(), "-odi", "-oi", "-v",
                "-f", "bob@sender.test", reply).redirectErrorStream(true).start();
        submit.getOutputStream().write(message.getBytes(StandardCharsets.US_ASCII));
        submit.getOutputStream().close();
        String transcript = new String(submit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = submit.waitFor();
        System.out.println("Exim transcript:\n" + transcript);
        assertThat(exit).as(transcript).isZero();
        return transcript;
    }

    private void assertStored(String reply, String subject) {
        assertThat(replyd.newFiles()).hasSize(1);
        assertThat(replyd.onlyMessage()).startsWith("Return-Path: <bob@sender.test>\r\nDelivered-To: " + reply + "\r\n")
                .contains("\r\nSubject: " + subject + "\r\n")
                .contains("\r\n\r\nHello through Exim.\r\n.\r\nA line with only a dot above.\r\n");
    }

    private Path eximConfig(int port) throws Exception {
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path spool = Files.createDirectory(work.resolve("spool"));
        Path log = Files.createDirectory(work.resolve("log"));
        UserPrincipalLookupService users = work.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(spool, users.lookupPrincipalByName("Debian-exim"));
        Files.setOwner(log, users.lookupPrincipalByName("Debian-exim"));
        return Files.writeString(work.resolve("exim.conf"), String.join("\n",
                "exim_path = " + exim,
                "exim_user = Debian-exim",
                "exim_group = Debian-exim",
                "spool_directory = " + spool,
                "log_file_path = " + log + "/%slog",
                "primary_hostname = sender.test",
                "qualify_domain = sender.test",
                "keep_environment =",
                "daemon_smtp_ports =",
                "begin routers",
                "to_replyd:",
                "  driver = manualroute",
                "  route_list = * 127.0.0.1",
                "  self = send",
                "  transport = replyd_smtp",
                "begin transports",
                "replyd_smtp:",
                "  driver = smtp",
                "  port = " + port,
                "  allow_localhost",
                "  hosts_try_chunking = *",
                "begin retry",
                "* * F,1m,1m",
                ""));
    }
}
