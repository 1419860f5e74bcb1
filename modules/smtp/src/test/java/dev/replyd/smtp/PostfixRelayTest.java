package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.replyd.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Postfix, the most common sending MTA, relaying a message into replyd over loopback: its own
 * configuration and queue in a test directory, {@code relayhost = [127.0.0.1]:<replyd port>}, no
 * listening smtpd of its own (never port 25), TLS required on the hop so STARTTLS is exercised along with
 * Postfix's PIPELINING; and with {@code smtputf8_enable = yes}, a UTF-8 sender and Subject (SMTPUTF8).
 */
class PostfixRelayTest {
    @RegisterExtension final TestServers servers = new TestServers();

    private static final Path POSTFIX = Path.of("/usr/sbin/postfix");
    private static final Path SENDMAIL = Path.of("/usr/sbin/sendmail");

    @TempDir
    Path work;

    private TestServer replyd;
    private Path config;
    private boolean postfixStarted;

    @BeforeEach
    void requirePostfix() {
        assumeTrue(Files.isExecutable(POSTFIX), "Postfix is not installed (/usr/sbin/postfix missing):"
                + " apt-get install postfix to run the relay interoperability test");
        assumeTrue("root".equals(System.getProperty("user.name")), "Postfix's master must be started as root;"
                + " this test runs only as root (as in scripts/test's container)");
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (postfixStarted) {
            ExternalCommand.run(work, List.of(POSTFIX.toString(), "-c", config.toString(), "stop"));
            Path pid = work.resolve("spool/pid/master.pid");
            Await.within(Duration.ofSeconds(10), () -> !(Files.exists(pid) && masterAlive(pid)));
        }
        if (replyd != null) {
            replyd.close();
        }
    }

    @Test
    void postfixRelaysAMessageIntoReplydWithStartTlsAndPipelining() throws Exception {
        // given: replyd with STARTTLS, Postfix relaying to it
        replyd = servers.startWithTls();
        String reply = replyd.replyAddress(2024, 12);
        startPostfix(replyd.port(), false);

        // when: a message enters Postfix through its sendmail command
        sendmail("alice@sender.test", reply, ("From: Alice <alice@sender.test>\nTo: " + reply
                + "\nSubject: relayed by postfix\nMessage-ID: <postfix-relay-test@sender.test>\n\nHello through Postfix.\n")
                .getBytes(StandardCharsets.US_ASCII));

        // then: it arrives in replyd's new/, carried over TLS
        String log = awaitDeliveryAndPostfixLog();
        assertThat(replyd.newFiles()).as("Postfix log:\n" + log).hasSize(1);
        String stored = replyd.onlyMessage();
        assertThat(stored).startsWith("Return-Path: <alice@sender.test>\r\nDelivered-To: " + reply + "\r\n")
                .containsPattern("Received: from sender\\.test \\(unknown \\[127\\.0\\.0\\.1\\]\\)\r\n"
                        + "\t\\(using TLSv1\\.[23] with cipher [A-Z0-9_-]+\\)\r\n\tby tracker\\.test \\(replyd\\) with ESMTPS id ")
                .contains("Subject: relayed by postfix\r\n")
                .contains("\r\n\r\nHello through Postfix.\r\n");
        System.out.println("Postfix relay log:\n" + log);
        assertThat(log).contains("TLS connection established to 127.0.0.1")
                .containsPattern("status=sent \\(250 2\\.0\\.0 Ok: queued as [0-9A-F]+\\)");
        // PIPELINING (RFC 2920): Postfix wrote DATA before it read the reply to MAIL FROM
        int dataSent = log.indexOf("> 127.0.0.1[127.0.0.1]:" + replyd.port() + ": DATA");
        int mailAnswered = log.indexOf("< 127.0.0.1[127.0.0.1]:" + replyd.port() + ": 250 2.1.0");
        assertThat(dataSent).isPositive();
        assertThat(mailAnswered).isGreaterThan(dataSent);
    }

    @Test
    void postfixWithSmtputf8RelaysAUtf8SenderAndSubjectIntoReplyd() throws Exception {
        // given: Postfix with smtputf8_enable = yes; it sends SMTPUTF8 only to a server that offers it
        replyd = servers.startWithTls();
        String reply = replyd.replyAddress(2024, 13);
        startPostfix(replyd.port(), true);
        String sender = "josé@sender.test";

        // when: UTF-8 in the envelope sender and in raw header fields (RFC 6532)
        sendmail(sender, reply, ("From: José Müller <" + sender + ">\nTo: " + reply
                + "\nSubject: Grüße — 答复 ✓\nMessage-ID: <postfix-utf8-test@sender.test>\n\nDanke schön.\n")
                .getBytes(StandardCharsets.UTF_8));

        // then
        String log = awaitDeliveryAndPostfixLog();
        assertThat(replyd.newFiles()).as("Postfix log:\n" + log).hasSize(1);
        String stored = new String(Files.readAllBytes(replyd.newFiles().get(0)), StandardCharsets.UTF_8);
        assertThat(stored).startsWith("Return-Path: <" + sender + ">\r\nDelivered-To: " + reply + "\r\n")
                .contains(") with UTF8SMTPS id ")
                .contains("\r\nFrom: José Müller <" + sender + ">\r\n", "\r\nSubject: Grüße — 答复 ✓\r\n")
                .contains("\r\n\r\nDanke schön.\r\n");
        System.out.println("Postfix SMTPUTF8 relay log:\n" + log);
        assertThat(log).contains("MAIL FROM:<" + sender + ">").contains("SMTPUTF8")
                .containsPattern("status=sent \\(250 2\\.0\\.0 Ok: queued as [0-9A-F]+\\)");
    }

    /** Hands {@code message} to Postfix's sendmail command, which must exit 0. */
    private void sendmail(String sender, String recipient, byte[] message) throws Exception {
        Process sendmail = new ProcessBuilder(SENDMAIL.toString(), "-C", config.toString(), "-f", sender,
                "-i", recipient).redirectErrorStream(true).start();
        sendmail.getOutputStream().write(message);
        sendmail.getOutputStream().close();
        String sendmailOutput = new String(sendmail.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sendmail.waitFor()).as(sendmailOutput).isZero();
    }

    /**
     * Waits (generously) for a file in replyd's new/ and for Postfix to log the delivery's outcome
     * ({@code status=}), which it does only after replyd's 250 reached it; returns Postfix's log.
     */
    private String awaitDeliveryAndPostfixLog() throws Exception {
        Await.within(Duration.ofSeconds(30), () -> !replyd.newFiles().isEmpty() && postfixLog().contains(" status="));
        return postfixLog();
    }

    private String postfixLog() throws IOException {
        return Files.exists(work.resolve("maillog")) ? Files.readString(work.resolve("maillog")) : "(no maillog)";
    }

    private void startPostfix(int relayPort, boolean smtputf8) throws Exception {
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        config = Files.createDirectory(work.resolve("etc"));
        Path queue = Files.createDirectory(work.resolve("spool"));
        Path data = Files.createDirectory(work.resolve("data"));
        UserPrincipalLookupService users = work.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(data, users.lookupPrincipalByName("postfix"));
        GroupPrincipal postfixGroup = users.lookupPrincipalByGroupName("postfix");
        Files.getFileAttributeView(data, PosixFileAttributeView.class).setGroup(postfixGroup);
        Files.writeString(config.resolve("main.cf"), String.join("\n",
                "compatibility_level = 3.6",
                "queue_directory = " + queue,
                "data_directory = " + data,
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "myhostname = sender.test",
                "mydomain = sender.test",
                "myorigin = sender.test",
                "mydestination =",
                "local_transport = error:local delivery is disabled",
                "alias_maps =",
                "alias_database =",
                "inet_interfaces = loopback-only",
                "inet_protocols = ipv4",
                "relayhost = [127.0.0.1]:" + relayPort,
                "smtp_tls_security_level = encrypt",
                "smtp_tls_loglevel = 1",
                "debug_peer_list = 127.0.0.1",
                "debug_peer_level = 2",
                "smtputf8_enable = " + (smtputf8 ? "yes" : "no"),
                "maillog_file = " + work.resolve("maillog"),
                "maillog_file_prefixes = " + work,
                "syslog_name = postfix-replyd-test",
                ""));
        Files.writeString(config.resolve("master.cf"), String.join("\n",
                "# no smtpd inet service: this Postfix only sends",
                "pickup    unix  n       -       n       60      1       pickup",
                "cleanup   unix  n       -       n       -       0       cleanup",
                "qmgr      unix  n       -       n       300     1       qmgr",
                "tlsmgr    unix  -       -       n       1000?   1       tlsmgr",
                "rewrite   unix  -       -       n       -       -       trivial-rewrite",
                "bounce    unix  -       -       n       -       0       bounce",
                "defer     unix  -       -       n       -       0       bounce",
                "trace     unix  -       -       n       -       0       bounce",
                "verify    unix  -       -       n       -       1       verify",
                "flush     unix  n       -       n       1000?   0       flush",
                "proxymap  unix  -       -       n       -       -       proxymap",
                "smtp      unix  -       -       n       -       -       smtp",
                "relay     unix  -       -       n       -       -       smtp",
                "showq     unix  n       -       n       -       -       showq",
                "error     unix  -       -       n       -       -       error",
                "retry     unix  -       -       n       -       -       error",
                "discard   unix  -       -       n       -       -       discard",
                "anvil     unix  -       -       n       -       1       anvil",
                "scache    unix  -       -       n       -       1       scache",
                "postlog   unix-dgram n  -       n       -       1       postlogd",
                ""));
        ExternalCommand.check(work, List.of(POSTFIX.toString(), "-c", config.toString(), "start"));
        postfixStarted = true;
    }

    private static boolean masterAlive(Path pidFile) throws IOException {
        String pid = Files.readString(pidFile).trim();
        return !pid.isEmpty() && Files.exists(Path.of("/proc", pid));
    }
}
